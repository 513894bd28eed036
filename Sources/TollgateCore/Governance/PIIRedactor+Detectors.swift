extension PIIRedactor {
    /// The built-in detectors: byte scanners over UTF-8 text, each linear in its length,
    /// returning the byte ranges they match in order.
    enum Detectors {
        // MARK: Character classes

        @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
        @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
        @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }

        /// The ASCII local-part characters of RFC 5322 dot-atoms (`atext` and `.`).
        static func isLocalChar(_ c: UInt8) -> Bool {
            if isAlnum(c) { return true }
            switch c {
            case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"),
                UInt8(ascii: "~"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }

        /// The scalar whose UTF-8 encoding starts at `k`, and its length in bytes.
        static func scalar(_ b: [UInt8], at k: Int) -> (scalar: Unicode.Scalar, length: Int)? {
            let lead = b[k]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            guard lead < 0x80 || lead >= 0xC2, k + length <= b.count else { return nil }
            var value = length == 1 ? UInt32(lead) : UInt32(lead) & (0xFF >> (length + 1))
            for i in k + 1..<k + length {
                guard b[i] & 0xC0 == 0x80 else { return nil }
                value = value << 6 | UInt32(b[i] & 0x3F)
            }
            return Unicode.Scalar(value).map { ($0, length) }
        }

        /// The start of the letter or digit (in any script) whose UTF-8 encoding ends just
        /// before `end`, if a non-ASCII one does.
        static func nonASCIILetter(_ b: [UInt8], endingAt end: Int, floor: Int) -> Int? {
            var k = end - 1
            while k > floor, k > end - 4, b[k] & 0xC0 == 0x80 { k -= 1 }
            guard k >= floor, b[k] >= 0xC2, let (scalar, length) = scalar(b, at: k), k + length == end,
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            else { return nil }
            return k
        }

        /// The end of the non-ASCII letter or digit starting at `k`, if one does.
        static func nonASCIILetter(_ b: [UInt8], startingAt k: Int) -> Int? {
            guard b[k] >= 0xC2, let (scalar, length) = scalar(b, at: k),
                scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            else { return nil }
            return k + length
        }

        // MARK: Email

        /// `local@domain`: a dot-atom local part of at most 64 bytes (leading symbols and
        /// anything up to a `..` are left out), and a domain of at least two labels of letters,
        /// digits and inner hyphens, whose last label is ASCII letters (or `xn--…`). Letters and
        /// digits of any script count (`jörg@bücher.de`, RFC 6531); emoji and other symbols do not.
        static func emails(_ b: [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            var searchFrom = 0
            let n = b.count
            while let at = b[searchFrom...].firstIndex(of: UInt8(ascii: "@")) {
                searchFrom = at + 1
                var start = at
                let floor = ranges.last?.upperBound ?? 0
                while start > floor {
                    if isLocalChar(b[start - 1]) {
                        start -= 1
                    } else if b[start - 1] >= 0x80, let letter = nonASCIILetter(b, endingAt: start, floor: floor) {
                        start = letter
                    } else {
                        break
                    }
                }
                // Text before a `..` is not part of this address.
                var k = at - 1
                while k > start {
                    if b[k] == UInt8(ascii: "."), b[k - 1] == UInt8(ascii: ".") {
                        start = k + 1
                        break
                    }
                    k -= 1
                }
                while start < at, !isAlnum(b[start]), b[start] < 0x80, b[start] != UInt8(ascii: "_") { start += 1 }
                guard start < at, at - start <= 64, b[at - 1] != UInt8(ascii: ".") else { continue }

                var labelStart = at + 1
                var labels = 0
                var end = -1
                while labelStart < n {
                    var j = labelStart
                    while j < n {
                        if isAlnum(b[j]) || b[j] == UInt8(ascii: "-") {
                            j += 1
                        } else if let next = nonASCIILetter(b, startingAt: j) {
                            j = next
                        } else {
                            break
                        }
                    }
                    let length = j - labelStart
                    guard length > 0, length <= 63, b[labelStart] != UInt8(ascii: "-"), b[j - 1] != UInt8(ascii: "-") else { break }
                    labels += 1
                    if labels >= 2, isTopLevelDomain(b[labelStart..<j]) { end = j }
                    guard j + 1 < n, b[j] == UInt8(ascii: "."), isAlnum(b[j + 1]) || b[j + 1] >= 0x80 else { break }
                    labelStart = j + 1
                }
                guard end > 0, end - (at + 1) <= 253 else { continue }
                ranges.append(start..<end)
                searchFrom = end
            }
            return ranges
        }

        private static func isTopLevelDomain(_ label: ArraySlice<UInt8>) -> Bool {
            if label.count >= 5, label.starts(with: Array("xn--".utf8)) || label.starts(with: Array("XN--".utf8)) { return true }
            return label.count >= 2 && label.allSatisfy(isLetter)
        }

        // MARK: Card

        /// 13–19 digits passing the Luhn check: one run of digits, or groups of 3–6 digits
        /// joined by the same single space or dash (`4111 1111 1111 1111`, `3782-822463-10005`).
        /// Within a longer chain of groups the longest valid stretch wins; a number glued to
        /// letters or continuing as a decimal is not a card.
        static func cards(_ b: [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            let n = b.count
            var i = 0
            while i < n {
                guard isDigit(b[i]) else {
                    i += 1
                    continue
                }
                // Most numbers in text are short: skip them without building their groups.
                let (stretchDigits, stretchEnd) = digitStretch(b, from: i, separators: " -")
                guard stretchDigits >= 13 else {
                    i = stretchEnd
                    continue
                }
                // A chain of digit groups joined by single spaces or dashes.
                var groups: [Range<Int>] = []
                var j = i
                while true {
                    let start = j
                    while j < n, isDigit(b[j]) { j += 1 }
                    groups.append(start..<j)
                    guard j + 1 < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "-"), isDigit(b[j + 1]) else { break }
                    j += 1
                }
                i = j
                let gluedLeft = isGlued(b, before: groups[0].lowerBound)
                let gluedRight = isGlued(b, after: groups[groups.count - 1].upperBound)
                var first = gluedLeft ? 1 : 0
                while first < groups.count {
                    var found = false
                    var last = gluedRight ? groups.count - 2 : groups.count - 1
                    while last >= first {
                        if let range = card(b, groups[first...last]) {
                            ranges.append(range)
                            found = true
                            break
                        }
                        last -= 1
                    }
                    first = found ? last + 1 : first + 1
                }
            }
            return ranges
        }

        private static func card(_ b: [UInt8], _ groups: ArraySlice<Range<Int>>) -> Range<Int>? {
            let digits = groups.reduce(0) { $0 + $1.count }
            guard (13...19).contains(digits) else { return nil }
            if groups.count > 1 {
                let separator = b[groups[groups.startIndex].upperBound]
                for group in groups {
                    guard (3...6).contains(group.count) else { return nil }
                    if group.upperBound < groups.last!.upperBound, b[group.upperBound] != separator { return nil }
                }
            }
            var sum = 0
            var double = false
            for group in groups.reversed() {
                for k in group.reversed() {
                    var d = Int(b[k] - 0x30)
                    if double {
                        d *= 2
                        if d > 9 { d -= 9 }
                    }
                    sum += d
                    double.toggle()
                }
            }
            guard sum % 10 == 0 else { return nil }
            return groups.first!.lowerBound..<groups.last!.upperBound
        }

        /// The number of digits from `start` up to the first character that is neither a digit
        /// nor one of `separators`, and where that is.
        static func digitStretch(_ b: [UInt8], from start: Int, separators: StaticString) -> (digits: Int, end: Int) {
            var digits = 0
            var j = start
            outer: while j < b.count {
                let c = b[j]
                if isDigit(c) {
                    digits += 1
                } else {
                    for k in 0..<separators.utf8CodeUnitCount where separators.utf8Start[k] == c {
                        j += 1
                        continue outer
                    }
                    break
                }
                j += 1
            }
            return (digits, max(j, start + 1))
        }

        /// Whether the text just before `index` continues a word or a number (a letter or
        /// digit, or a decimal point or comma after a digit).
        static func isGlued(_ b: [UInt8], before index: Int) -> Bool {
            guard index > 0 else { return false }
            let c = b[index - 1]
            if isAlnum(c) { return true }
            return (c == UInt8(ascii: ".") || c == UInt8(ascii: ",")) && index >= 2 && isDigit(b[index - 2])
        }

        /// Whether the text from `index` continues a word or a number.
        static func isGlued(_ b: [UInt8], after index: Int) -> Bool {
            guard index < b.count else { return false }
            let c = b[index]
            if isAlnum(c) { return true }
            return (c == UInt8(ascii: ".") || c == UInt8(ascii: ",")) && index + 1 < b.count && isDigit(b[index + 1])
        }

        // MARK: IBAN

        /// IBAN lengths by country (SWIFT IBAN registry).
        static let ibanLengths: [UInt16: Int] = {
            let table =
                "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 "
                + "ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 "
                + "LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 "
                + "PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
            var lengths: [UInt16: Int] = [:]
            for entry in table.split(separator: " ") {
                let u = Array(entry.utf8)
                lengths[UInt16(u[0]) << 8 | UInt16(u[1])] = Int(u[2] - 0x30) * 10 + Int(u[3] - 0x30)
            }
            return lengths
        }()

        /// A country code, two check digits and the BBAN, at the country's length, compact or
        /// with single spaces after every four characters, passing the ISO 7064 mod-97 check.
        /// Letters may be in either case.
        static func ibans(_ b: [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            let n = b.count
            var i = 0
            while i + 15 <= n {
                guard isLetter(b[i]), isLetter(b[i + 1]), isDigit(b[i + 2]), isDigit(b[i + 3]), !isGlued(b, before: i),
                    let length = ibanLengths[UInt16(b[i] & 0xDF) << 8 | UInt16(b[i + 1] & 0xDF)]
                else {
                    i += 1
                    continue
                }
                var characters: [UInt8] = []
                var j = i
                while characters.count < length, j < n {
                    if isAlnum(b[j]) {
                        characters.append(b[j] < 0x60 ? b[j] : b[j] & 0xDF)
                        j += 1
                    } else if b[j] == UInt8(ascii: " "), characters.count % 4 == 0, j + 1 < n, isAlnum(b[j + 1]) {
                        j += 1
                    } else {
                        break
                    }
                }
                guard characters.count == length, !isGlued(b, after: j), mod97(characters) == 1 else {
                    i += 1
                    continue
                }
                ranges.append(i..<j)
                i = j
            }
            return ranges
        }

        /// ISO 7064 mod 97-10 of an IBAN (upper-case): the first four characters moved to the
        /// end, letters read as 10–35.
        static func mod97(_ iban: [UInt8]) -> Int {
            var remainder = 0
            for c in iban[4...] + iban[..<4] {
                if isDigit(c) {
                    remainder = (remainder * 10 + Int(c - 0x30)) % 97
                } else {
                    remainder = (remainder * 100 + Int(c - 0x41) + 10) % 97
                }
            }
            return remainder
        }

        // MARK: SSN

        /// `AAA-GG-SSSS`, not glued to other text, excluding area 000, 666 and 900–999, group 00
        /// and serial 0000.
        static func ssns(_ b: [UInt8]) -> [Range<Int>] {
            var ranges: [Range<Int>] = []
            let n = b.count
            var i = 0
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for k in range {
                    guard isDigit(b[k]) else { return nil }
                    value = value * 10 + Int(b[k] - 0x30)
                }
                return value
            }
            while i + 11 <= n {
                defer { i += 1 }
                guard isDigit(b[i]), b[i + 3] == UInt8(ascii: "-"), b[i + 6] == UInt8(ascii: "-"),
                    !isGlued(b, before: i), i == 0 || b[i - 1] != UInt8(ascii: "-"),
                    !isGlued(b, after: i + 11), i + 11 == n || b[i + 11] != UInt8(ascii: "-"),
                    let area = number(i..<i + 3), let group = number(i + 4..<i + 6), let serial = number(i + 7..<i + 11),
                    area != 0, area != 666, area < 900, group != 0, serial != 0
                else { continue }
                ranges.append(i..<i + 11)
                i += 10
            }
            return ranges
        }
    }
}
