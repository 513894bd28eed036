extension PIIRedactor.Detectors {
    /// Phone numbers of 7–15 digits: `+` and a country code followed by digits, spaces,
    /// dashes, dots or an area code in parentheses (`+1 (415) 555-2671`, `+442079460958`);
    /// or a national number in at least two groups (`(415) 555-2671`, `415-555-2671`,
    /// `030 1234567`, `01 23 45 67 89`).
    ///
    /// Not phones: one run of digits without a `+` (order ids, timestamps), numbers glued
    /// to letters or preceded by `#`, `$`, `€`, `£`, `/`, `-`, `_` or a decimal point,
    /// dates (`2026-11-26`, `26.11.2026`), year ranges and year-prefixed ids (`2024-1234`),
    /// prices (`1299.99`, `12 499.00`), thousands groupings (`1 234 567`, `12.345.678`),
    /// IPv4 addresses, the SSN shape `123-45-6789`, and account-style runs of 4-digit
    /// groups (`1234 5678 9012 34`).
    static func phones(_ b: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            let opens = (c == UInt8(ascii: "+") || c == UInt8(ascii: "(")) && i + 1 < n && isDigit(b[i + 1])
            guard opens || isDigit(c) else {
                i += 1
                continue
            }
            // Most numbers in text are short: skip them without reading their groups.
            let (stretchDigits, stretchEnd) = digitStretch(b, from: i, separators: " -.()+")
            guard stretchDigits >= 7 else {
                i = stretchEnd
                continue
            }
            let (end, chainEnd) = phone(b, from: i, leftContextAllows: phoneLeftContextAllows(b, i))
            if let end {
                ranges.append(i..<end)
                i = end
            } else {
                // No phone starts anywhere in this chain of groups.
                i = max(chainEnd, i + 1)
            }
        }
        return ranges
    }

    private static func phoneLeftContextAllows(_ b: [UInt8], _ i: Int) -> Bool {
        guard i > 0 else { return true }
        let c = b[i - 1]
        if isAlnum(c) { return false }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "$"),
            UInt8(ascii: "#"), UInt8(ascii: "+"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "\\"):
            return false
        case 0xA3, 0xA5:  // £ ¥ (C2 A3, C2 A5)
            return !(i >= 2 && b[i - 2] == 0xC2)
        case 0xAC:  // € (E2 82 AC)
            return !(i >= 3 && b[i - 2] == 0x82 && b[i - 3] == 0xE2)
        default:
            return true
        }
    }

    /// A group of a phone number: its digit count and whether it was in parentheses.
    private struct PhoneGroup {
        var digits: Int
        var value: Int
        var parenthesized: Bool
        var end: Int
    }

    /// The end of the phone number starting at `start`, if there is one, and the end of the
    /// chain of digit groups read from there. When the longest reading fails, shorter ones
    /// ending at a space are tried (`555 123 4567 2 times`).
    private static func phone(_ b: [UInt8], from start: Int, leftContextAllows: Bool) -> (end: Int?, chainEnd: Int) {
        var j = start
        let international = b[j] == UInt8(ascii: "+")
        if international { j += 1 }
        let (groups, separators) = phoneGroups(b, from: &j)
        guard let chainEnd = groups.last?.end else { return (nil, j) }
        guard leftContextAllows else { return (nil, chainEnd) }
        // Account-style runs of 4-digit groups (1234 5678 9012 34) are not phones, nor is any
        // part of them.
        if !international, groups.count >= 4, groups[0...2].allSatisfy({ $0.digits == 4 && !$0.parenthesized }) {
            return (nil, chainEnd)
        }
        var count = groups.count
        while count >= 1 {
            let candidate = groups[..<count]
            let end = candidate.last!.end
            if count < groups.count && separators[count - 1] != UInt8(ascii: " ") {
                // A shorter reading may only end at a space.
            } else if phoneRightContextAllows(b, end),
                isPhone(candidate, separators[..<(count - 1)], international: international)
            {
                return (end, chainEnd)
            }
            count -= 1
        }
        return (nil, chainEnd)
    }

    /// The chain of digit groups starting at `j` (advanced to the chain's end) and the separators between them:
    /// `separators[k]` joins `groups[k]` and `groups[k + 1]` (0 for none).
    private static func phoneGroups(_ b: [UInt8], from j: inout Int) -> (groups: [PhoneGroup], separators: [UInt8]) {
        let n = b.count
        var groups: [PhoneGroup] = []
        var separators: [UInt8] = []  // separators[k] joins groups[k] and groups[k + 1]; 0 for none
        while j < n {
            var group = PhoneGroup(digits: 0, value: 0, parenthesized: false, end: 0)
            var k = j
            if b[k] == UInt8(ascii: "(") {
                group.parenthesized = true
                k += 1
            }
            while k < n, isDigit(b[k]) {
                group.digits += 1
                if group.digits <= 6 { group.value = group.value * 10 + Int(b[k] - 0x30) }
                k += 1
            }
            if group.parenthesized {
                guard group.digits > 0, k < n, b[k] == UInt8(ascii: ")") else { break }
                k += 1
            }
            guard group.digits > 0 else { break }
            group.end = k
            groups.append(group)
            j = k
            guard j < n else { break }
            let next = b[j]
            if next == UInt8(ascii: " ") || next == UInt8(ascii: "-") || next == UInt8(ascii: "."), j + 1 < n,
                isDigit(b[j + 1]) || b[j + 1] == UInt8(ascii: "(")
            {
                separators.append(next)
                j += 1
            } else if group.parenthesized, isDigit(next) {
                separators.append(0)
            } else {
                break
            }
        }
        return (groups, separators)
    }

    private static func phoneRightContextAllows(_ b: [UInt8], _ end: Int) -> Bool {
        guard end < b.count else { return true }
        let c = b[end]
        if isGlued(b, after: end) { return false }
        switch c {
        case UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "_"), UInt8(ascii: "$"): return false
        case UInt8(ascii: "-"), UInt8(ascii: "/"): return !(end + 1 < b.count && isAlnum(b[end + 1]))
        default: return true
        }
    }

    private static func isPhone(_ groups: ArraySlice<PhoneGroup>, _ separators: ArraySlice<UInt8>, international: Bool) -> Bool {
        let digits = groups.reduce(0) { $0 + $1.digits }
        guard (7...15).contains(digits) else { return false }
        if international { return true }
        let g = Array(groups)
        let s = Array(separators)
        guard g.count >= 2 else { return false }
        let sameSeparator = s.allSatisfy { $0 == s[0] }
        // First group: an area code (2–5 digits), or a 1-digit trunk prefix before at least two more groups.
        guard g[0].digits <= 5, g[0].digits >= 2 || (!g[0].parenthesized && g.count >= 3) else { return false }
        // Later groups: 2–8 digits.
        guard g.dropFirst().allSatisfy({ (2...8).contains($0.digits) && !$0.parenthesized || $0.parenthesized && $0.digits <= 5 })
        else { return false }
        let shape = g.map(\.digits)
        let dashOrDot = s[0] == UInt8(ascii: "-") || s[0] == UInt8(ascii: ".")
        // Dates: 2026-11-26, 26.11.2026, 11-26-2026.
        if g.count >= 3, dashOrDot, s[1] == s[0], shape[0...2] == [4, 2, 2] || shape[0...2] == [2, 2, 4] { return false }
        // Years leading a range or an id: 2020-2024, 2024-1234.
        if shape[0] == 4, (1900...2099).contains(g[0].value), s[0] == UInt8(ascii: "-") { return false }
        // The SSN shape, left to the SSN detector.
        if shape == [3, 2, 4], s == [UInt8(ascii: "-"), UInt8(ascii: "-")] { return false }
        // Prices: 1299.99 (one dot), 12 499.00 (a dot before a last group of two).
        if s.last == UInt8(ascii: "."), shape.last == 2, g.count == 2 || !sameSeparator { return false }
        if g.count == 2, s[0] == UInt8(ascii: ".") { return false }
        // Thousands groupings: 1 234 567, 12.345.678 (also IPv4-like 192.168.100.200).
        if sameSeparator, s[0] == UInt8(ascii: " ") || s[0] == UInt8(ascii: "."), shape[0] <= 3, !g[0].parenthesized,
            shape.dropFirst().allSatisfy({ $0 == 3 })
        {
            return false
        }
        // IPv4 addresses.
        if g.count == 4, sameSeparator, s[0] == UInt8(ascii: "."), shape.allSatisfy({ $0 <= 3 }) { return false }
        return true
    }
}
