/// A JSON number literal in one canonical form: `[-]digits[eN]`, the digits without leading or
/// trailing zeros, so `1`, `1.0`, `10e-1` and `0.1e1` all read `1`, and `0.20` reads `2e-1`.
enum CanonicalNumber {
    /// The canonical text of a valid JSON number literal.
    static func text(_ literal: ArraySlice<UInt8>) -> [UInt8] {
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponentText: ArraySlice<UInt8> = []
        var inFraction = false
        var i = literal.startIndex
        if i < literal.endIndex, literal[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        while i < literal.endIndex {
            let byte = literal[i]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponentText = literal[(i + 1)...]
                break
            } else {
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte) }
                if inFraction { fractionDigits += 1 }
            }
            i += 1
        }
        guard let exponent = Self.exponent(exponentText) else {
            // An exponent beyond any real value: kept as written, marked so it equals no normal form.
            return Array("~".utf8) + Array(literal)
        }
        var scale = exponent - fractionDigits
        while digits.last == UInt8(ascii: "0") {
            digits.removeLast()
            scale += 1
        }
        if digits.isEmpty { return [UInt8(ascii: "0")] }
        var out = negative ? [UInt8(ascii: "-")] : []
        out += digits
        if scale != 0 { out += Array("e\(scale)".utf8) }
        return out
    }

    /// The exponent's value; nil past ±10^15, where normalising could overflow.
    private static func exponent(_ text: ArraySlice<UInt8>) -> Int? {
        var sign = 1
        var value = 0
        for byte in text {
            switch byte {
            case UInt8(ascii: "-"): sign = -1
            case UInt8(ascii: "+"): continue
            default:
                value = value * 10 + Int(byte - 48)
                if value > 1_000_000_000_000_000 { return nil }
            }
        }
        return sign * value
    }
}
