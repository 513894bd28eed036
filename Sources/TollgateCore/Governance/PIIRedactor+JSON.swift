extension PIIRedactor {
    /// What a quick look at each character tells about a string, enough to rule out most
    /// strings without running the detectors: whether it has an `@`, the most digits in one
    /// stretch of digits and phone or card separators (` -.()+`), and whether two letters are
    /// ever followed by two digits (how an IBAN starts).
    struct PreScan {
        var hasAt = false
        var longestDigitRun = 0
        var ibanStart = false
        private var run = 0
        private var shape: UInt8 = 0  // the classes of the last four characters, two bits each

        @inline(__always) mutating func note(_ c: UInt8) {
            if c &- 0x30 < 10 {
                run += 1
                if run > longestDigitRun { longestDigitRun = run }
                shape = shape &<< 2 | 2
                if shape == 0b0101_1010 { ibanStart = true }
            } else if (c | 0x20) &- 0x61 < 26 {
                run = 0
                shape = shape &<< 2 | 1
            } else {
                shape = shape &<< 2
                switch c {
                case 0x20, 0x2D, 0x2E, 0x28, 0x29, 0x2B: break
                case 0x40:
                    hasAt = true
                    run = 0
                default: run = 0
                }
            }
        }
    }

    /// A validating single-pass walk over a JSON document that reports its string values
    /// (not its object keys), with the statistics the pre-scan needs.
    enum JSONStringValues {
        /// A string value: the bytes between its quotes, whether it has escapes, and the
        /// pre-scan of its decoded text.
        struct Span {
            var start: Int
            var end: Int
            var hasEscape: Bool
            var scan: PreScan
        }

        private enum State { case value, key, afterValue }

        /// Calls `visit` for every string value in document order.
        /// - Returns: Whether the whole document is valid JSON.
        static func forEach(in body: [UInt8], _ visit: (Span) -> Void) -> Bool {
            body.withUnsafeBufferPointer { bytes in
                var i = 0
                let n = bytes.count
                var stack: [Bool] = []  // true: object, false: array
                var state = State.value
                while true {
                    skipSpace(bytes, &i)
                    switch state {
                    case .value:
                        guard i < n else { return false }
                        switch bytes[i] {
                        case 0x7B:  // {
                            i += 1
                            skipSpace(bytes, &i)
                            if i < n, bytes[i] == 0x7D {
                                i += 1
                                state = .afterValue
                            } else {
                                stack.append(true)
                                state = .key
                            }
                        case 0x5B:  // [
                            i += 1
                            skipSpace(bytes, &i)
                            if i < n, bytes[i] == 0x5D {
                                i += 1
                                state = .afterValue
                            } else {
                                stack.append(false)
                                state = .value
                            }
                        case 0x22:
                            guard let span = scanString(bytes, &i) else { return false }
                            visit(span)
                            state = .afterValue
                        default:
                            guard scanScalar(bytes, &i) else { return false }
                            state = .afterValue
                        }
                    case .key:
                        guard scanKey(bytes, &i) else { return false }
                        state = .value
                    case .afterValue:
                        guard let isObject = stack.last else { return i == n }
                        guard i < n else { return false }
                        switch bytes[i] {
                        case 0x2C:
                            state = isObject ? .key : .value
                        case 0x7D where isObject, 0x5D where !isObject:
                            stack.removeLast()
                        default:
                            return false
                        }
                        i += 1
                    }
                }
            }
        }

        /// Scans an object key and its colon; leaves `i` after the colon.
        private static func scanKey(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
            guard i < bytes.count, bytes[i] == 0x22, scanString(bytes, &i) != nil else { return false }
            skipSpace(bytes, &i)
            guard i < bytes.count, bytes[i] == 0x3A else { return false }
            i += 1
            return true
        }

        @inline(__always) private static func skipSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        /// Scans a string starting at its opening quote; leaves `i` after the closing quote.
        private static func scanString(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Span? {
            let n = bytes.count
            var j = i + 1
            var span = Span(start: j, end: j, hasEscape: false, scan: PreScan())
            while j < n {
                let c = bytes[j]
                if c == 0x22 {
                    span.end = j
                    i = j + 1
                    return span
                } else if c == 0x5C {
                    span.hasEscape = true
                    guard j + 1 < n else { return nil }
                    switch bytes[j + 1] {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                        span.scan.note(bytes[j + 1] == 0x2F ? 0x2F : 0)
                        j += 2
                    case 0x75:
                        guard let value = hex4(bytes, j + 2) else { return nil }
                        span.scan.note(value < 0x80 ? UInt8(value) : 0x80)
                        j += 6
                    default:
                        return nil
                    }
                } else if c < 0x20 {
                    return nil
                } else {
                    span.scan.note(c)
                    j += 1
                }
            }
            return nil
        }

        /// Scans a number or `true` / `false` / `null`.
        private static func scanScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
            let n = bytes.count
            let literal: StaticString? =
                switch bytes[i] {
                case 0x74: "true"
                case 0x66: "false"
                case 0x6E: "null"
                default: nil
                }
            if let literal {
                let count = literal.utf8CodeUnitCount
                guard i + count <= n else { return false }
                for k in 0..<count where bytes[i + k] != literal.utf8Start[k] { return false }
                i += count
                return true
            }
            func digits() -> Int {
                let start = i
                while i < n, bytes[i] &- 0x30 < 10 { i += 1 }
                return i - start
            }
            if bytes[i] == 0x2D { i += 1 }
            guard i < n else { return false }
            if bytes[i] == 0x30 {
                i += 1
            } else if digits() == 0 {
                return false
            }
            if i < n, bytes[i] == 0x2E {
                i += 1
                guard digits() > 0 else { return false }
            }
            if i < n, bytes[i] == 0x65 || bytes[i] == 0x45 {
                i += 1
                if i < n, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                guard digits() > 0 else { return false }
            }
            return true
        }

        private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for k in at..<at + 4 {
                let c = bytes[k]
                let digit: UInt8
                switch c {
                case 0x30...0x39: digit = c - 0x30
                case 0x41...0x46: digit = c - 0x41 + 10
                case 0x61...0x66: digit = c - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// A string value's decoded UTF-8 bytes, with where each came from in the document.
        struct Decoded {
            var bytes: [UInt8]
            /// For each decoded byte, the document offset of the text it was decoded from, plus
            /// a final entry for the end of the string; empty when the string had no escapes.
            var sources: [Int]

            /// The document offset of decoded byte `k` (or of the string's end for `k == count`).
            func rawOffset(_ k: Int, _ span: Span) -> Int {
                sources.isEmpty ? span.start + k : sources[k]
            }
        }

        /// Decodes a string value: escapes become their characters (a surrogate pair one
        /// character, a lone surrogate U+FFFD); other bytes are taken as they are.
        static func decode(_ body: [UInt8], _ span: Span) -> Decoded {
            guard span.hasEscape else { return Decoded(bytes: Array(body[span.start..<span.end]), sources: []) }
            return body.withUnsafeBufferPointer { bytes in
                var out: [UInt8] = []
                var sources: [Int] = []
                out.reserveCapacity(span.end - span.start)
                sources.reserveCapacity(span.end - span.start + 1)
                var j = span.start
                func emit(_ scalar: UInt32, from source: Int) {
                    let scalar = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    for unit in UTF8.encode(scalar)! {
                        out.append(unit)
                        sources.append(source)
                    }
                }
                while j < span.end {
                    let c = bytes[j]
                    guard c == 0x5C else {
                        out.append(c)
                        sources.append(j)
                        j += 1
                        continue
                    }
                    let escape = bytes[j + 1]
                    switch escape {
                    case 0x75:
                        let value = hex4(bytes, j + 2)!
                        if value >= 0xD800 && value < 0xDC00, j + 12 <= span.end, bytes[j + 6] == 0x5C, bytes[j + 7] == 0x75,
                            let low = hex4(bytes, j + 8), low >= 0xDC00 && low < 0xE000
                        {
                            emit(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00), from: j)
                            j += 12
                        } else {
                            emit(value, from: j)
                            j += 6
                        }
                    default:
                        let decoded: UInt8 =
                            switch escape {
                            case 0x62: 0x08
                            case 0x66: 0x0C
                            case 0x6E: 0x0A
                            case 0x72: 0x0D
                            case 0x74: 0x09
                            default: escape  // \" \\ \/
                            }
                        out.append(decoded)
                        sources.append(j)
                        j += 2
                    }
                }
                sources.append(span.end)
                return Decoded(bytes: out, sources: sources)
            }
        }

        /// Appends `text` to a JSON string's contents, escaping quotes, backslashes and
        /// control characters.
        static func appendEscaped(_ text: String, to output: inout [UInt8]) {
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            for unit in text.utf8 {
                switch unit {
                case 0x22, 0x5C: output += [0x5C, unit]
                case 0x0A: output += [0x5C, 0x6E]
                case 0x0D: output += [0x5C, 0x72]
                case 0x09: output += [0x5C, 0x74]
                case ..<0x20: output += [0x5C, 0x75, 0x30, 0x30, hex[Int(unit >> 4)], hex[Int(unit & 0xF)]]
                default: output.append(unit)
                }
            }
        }
    }
}
