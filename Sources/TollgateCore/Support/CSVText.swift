/// CSV lines (RFC 4180 quoting) that a spreadsheet cannot mistake for formulas.
public enum CSVText {
    /// Joins cells with commas, quoting those that need it; nil cells are empty.
    ///
    /// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain
    /// number is prefixed with `'` (OWASP's rule for CSV injection), so caller-controlled text such as
    /// a workflow named `=HYPERLINK(…)` is shown as text, never evaluated; numbers, negative ones
    /// included, stay numbers.
    public static func line(_ cells: [String?]) -> String {
        var out = ""
        for (i, cell) in cells.enumerated() {
            if i > 0 { out += "," }
            guard let cell else { continue }
            let safe = neutralised(cell)
            if safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\t" }) || safe != cell {
                out += "\"" + safe.replacing("\"", with: "\"\"") + "\""
            } else {
                out += safe
            }
        }
        return out
    }

    /// The cell with a leading `'` when a spreadsheet would read it as a formula.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.utf8.first else { return cell }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D:
            return isPlainNumber(cell) ? cell : "'" + cell
        default:
            return cell
        }
    }

    /// `-12`, `+0.5`, `-1.25e-3`: a decimal number and nothing else.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var digits = 0
        var seenDot = false
        var seenExponent = false
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: ".") where !seenDot && !seenExponent: seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard !seenExponent, digits > 0 else { return false }
                seenExponent = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            default: return false
            }
            previous = byte
        }
        return digits > 0 && previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E")
    }
}
