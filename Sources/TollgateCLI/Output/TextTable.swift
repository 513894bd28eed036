import TollgateCore

/// A plain-text table that reads well in an 80-column terminal: right-aligned numbers, a rule under the header.
struct TextTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []
    var footer: [String]?

    func render() -> String {
        // Caller-controlled names (workflows, customers, tags) never reach the terminal raw.
        let rows = rows.map { $0.map(TerminalText.visible) }
        let footer = footer.map { $0.map(TerminalText.visible) }
        var widths = columns.map(\.title.count)
        for row in rows + (footer.map { [$0] } ?? []) {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                parts.append(columns[i].alignment == .right ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = [line(columns.map(\.title)), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        if let footer {
            out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
            out.append(line(footer))
        }
        return out.joined(separator: "\n")
    }
}

/// CSV with RFC 4180 quoting and spreadsheet formulas neutralised.
enum CSV {
    static func line(_ cells: [String]) -> String {
        CSVText.line(cells)
    }
}

/// Number formatting for tables.
enum Format {
    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Nano-USD as dollars with 4 decimals for tables (exact values are in --json/--csv): `$12.3457`.
    static func dollars(_ nano: Int64) -> String {
        let rounded = (nano + (nano >= 0 ? 50_000 : -50_000)) / 100_000
        let whole = rounded / 10_000
        let fraction = String(rounded.magnitude % 10_000)
        return "$" + grouped(whole) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}

import Foundation
