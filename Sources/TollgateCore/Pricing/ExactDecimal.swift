/// Exact decimal text ⇄ fixed-point integer conversion, shared by ``USDRate`` and ``Money``.
///
/// Nothing here goes through `Double`: a literal such as `1.0000000000000001e-07` is read
/// digit by digit and kept exactly as written.
enum ExactDecimal {
    /// A decimal literal split into sign, significant digits and a power of ten:
    /// value = ±digits × 10^exponent. `digits` has no leading or trailing zeros; it is empty
    /// for zero.
    struct Literal: Sendable, Hashable {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    /// Parses a decimal number literal: `[-|+]digits[.digits][(e|E)[+|-]digits]`, with at least
    /// one mantissa digit (`.5` and `5.` are accepted; whitespace is not). Returns nil for
    /// anything else.
    static func parse(_ text: some StringProtocol) -> Literal? {
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        while let byte = bytes.first {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
                if !(mantissa.isEmpty && byte == UInt8(ascii: "0")) { mantissa.append(byte - UInt8(ascii: "0")) }
                if sawPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if let marker = bytes.first {
            guard marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") else { return nil }
            bytes = bytes.dropFirst()
            var exponentNegative = false
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
                exponentNegative = bytes.first == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            for byte in bytes {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                // Saturate: any exponent this large over- or underflows every scale we use.
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
            }
            if exponentNegative { exponent = -exponent }
        }
        exponent -= fractionDigits
        while let last = mantissa.last, last == 0 {
            mantissa.removeLast()
            exponent += 1
        }
        if mantissa.isEmpty { return Literal(negative: false, digits: [], exponent: 0) }
        return Literal(negative: negative, digits: mantissa, exponent: exponent)
    }

    /// The literal's exact value × 10^`fractionalDigits` as an integer, or nil when that is not
    /// an integer (too many fractional digits) or does not fit in `Int128`.
    static func scaled(_ literal: Literal, fractionalDigits: Int) -> Int128? {
        if literal.digits.isEmpty { return 0 }
        let shift = literal.exponent + fractionalDigits
        guard shift >= 0, shift <= 40 else { return nil }
        var value: Int128 = 0
        for digit in literal.digits {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int128(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        for _ in 0..<shift {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times10
        }
        return literal.negative ? -value : value
    }

    /// Parses `text` straight to a fixed-point integer with `fractionalDigits` decimals.
    static func scaled(_ text: some StringProtocol, fractionalDigits: Int) -> Int128? {
        guard let literal = parse(text) else { return nil }
        return scaled(literal, fractionalDigits: fractionalDigits)
    }

    /// Renders a fixed-point integer with `fractionalDigits` decimals as plain decimal text
    /// without trailing zeros (`"0.00725"`, `"0"`, `"-12.5"`).
    static func format(_ value: Int128, fractionalDigits: Int) -> String {
        let magnitude = value.magnitude
        var scale: UInt128 = 1
        for _ in 0..<fractionalDigits { scale *= 10 }
        let whole = magnitude / scale
        var fraction = magnitude % scale
        var text = (value < 0 ? "-" : "") + String(whole)
        if fraction == 0 { return text }
        var digits = fractionalDigits
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        return text
    }

    /// 10^exponent as an `Int128` (exponent ≤ 38).
    static func powerOfTen(_ exponent: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
