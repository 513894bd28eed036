/// One value of a ``JSONDocument``: its kind, its bytes, and typed readers.
public struct JSONCursor: Sendable {
    let document: JSONDocument
    /// The value's place on the tape.
    let index: Int

    private var node: JSONDocument.Node { document.nodes[index] }

    /// What the value is.
    public var kind: JSONDocument.Kind { node.kind }
    /// The value's bytes in the document.
    public var range: Range<Int> { Int(node.start)..<Int(node.end) }
    /// Whether the value is `null`.
    public var isNull: Bool { node.kind == .null }

    // MARK: Objects

    /// The members of an object in document order (empty for other kinds).
    public var members: [(key: JSONCursor, value: JSONCursor)] {
        guard node.kind == .object else { return [] }
        var out: [(JSONCursor, JSONCursor)] = []
        var i = index + 1
        let end = Int(node.next)
        while i < end {
            let value = i + 1
            out.append((JSONCursor(document: document, index: i), JSONCursor(document: document, index: value)))
            i = Int(document.nodes[value].next)
        }
        return out
    }

    /// The value of `key` in an object: the last occurrence when a key repeats (as most parsers do),
    /// keys compared by their decoded text. Nil when absent or when this is not an object.
    public subscript(key: String) -> JSONCursor? {
        guard node.kind == .object else { return nil }
        var found: JSONCursor?
        var i = index + 1
        let end = Int(node.next)
        let match = { (wanted: UnsafeBufferPointer<UInt8>) -> Void in
            while i < end {
                let value = i + 1
                if JSONCursor(document: document, index: i).keyEquals(wanted) { found = JSONCursor(document: document, index: value) }
                i = Int(document.nodes[value].next)
            }
        }
        if key.utf8.withContiguousStorageIfAvailable(match) == nil { Array(key.utf8).withUnsafeBufferPointer(match) }
        return found
    }

    /// The first of `keys` that occurs more than once in this object, compared by decoded text.
    public func repeatedKey(among keys: Set<String>) -> String? {
        var seen: Set<String> = []
        for (key, _) in members {
            guard let name = key.string, keys.contains(name) else { continue }
            if !seen.insert(name).inserted { return name }
        }
        return nil
    }

    /// Whether this string's decoded text equals `key`'s UTF-8 bytes.
    func keyEquals(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = node
        guard n.kind == .string else { return false }
        if !n.escaped {
            let length = Int(n.end - n.start) - 2
            guard length == key.count else { return false }
            let start = Int(n.start) + 1
            for k in 0..<length where document.bytes[start + k] != key[k] { return false }
            return true
        }
        return (string ?? "").utf8.elementsEqual(key)
    }

    // MARK: Arrays

    /// The elements of an array in order (empty for other kinds).
    public var elements: [JSONCursor] {
        guard node.kind == .array else { return [] }
        var out: [JSONCursor] = []
        var i = index + 1
        let end = Int(node.next)
        while i < end {
            out.append(JSONCursor(document: document, index: i))
            i = Int(document.nodes[i].next)
        }
        return out
    }

    // MARK: Scalars

    /// `true` or `false`; nil for other kinds.
    public var bool: Bool? {
        switch node.kind {
        case .true: true
        case .false: false
        default: nil
        }
    }

    /// A string's decoded text; nil for other kinds.
    public var string: String? {
        let n = node
        guard n.kind == .string else { return nil }
        let inner = document.bytes[Int(n.start + 1)..<Int(n.end - 1)]
        if !n.escaped { return String(decoding: inner, as: UTF8.self) }
        return String(decoding: JSONStringDecoder.decode(inner), as: UTF8.self)
    }

    /// The UTF-8 length of a string's decoded text; nil for other kinds.
    public var stringByteCount: Int? {
        let n = node
        guard n.kind == .string else { return nil }
        let inner = document.bytes[Int(n.start + 1)..<Int(n.end - 1)]
        return n.escaped ? JSONStringDecoder.decodedCount(inner) : inner.count
    }

    /// A number as an exact integer: `20`, `20.0` and `2e1` all read 20; nil for fractions, for values
    /// outside Int64 and for other kinds.
    public var integer: Int64? {
        if case .integer(let value) = number { return value }
        return nil
    }

    /// A number's classification, exactly (no `Double` involved); nil for other kinds.
    public var number: JSONNumber? {
        guard node.kind == .number else { return nil }
        return JSONNumber(literal: document.bytes[range])
    }
}

/// A JSON number read exactly.
public enum JSONNumber: Sendable, Hashable {
    /// An integral value that fits Int64.
    case integer(Int64)
    /// An integral value beyond Int64 (sign kept).
    case tooLarge(negative: Bool)
    /// A value with a fractional part.
    case fraction(negative: Bool)

    /// Whether the value is below zero.
    public var isNegative: Bool {
        switch self {
        case .integer(let value): value < 0
        case .tooLarge(let negative), .fraction(let negative): negative
        }
    }

    /// Classifies a valid JSON number literal.
    init(literal: ArraySlice<UInt8>) {
        var digits: [UInt8] = []
        var negative = false
        var exponent = 0
        var fractionDigits = 0
        var i = literal.startIndex
        if literal[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var inFraction = false
        while i < literal.endIndex {
            let byte = literal[i]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Self.exponent(literal[(i + 1)...])
                break
            } else {
                if !(digits.isEmpty && byte == UInt8(ascii: "0")) { digits.append(byte - 48) }
                if inFraction { fractionDigits += 1 }
            }
            i += 1
        }
        self = Self.classify(digits: digits, scale: exponent - fractionDigits, negative: negative)
    }

    private static func exponent(_ text: ArraySlice<UInt8>) -> Int {
        var sign = 1
        var value = 0
        for byte in text {
            if byte == UInt8(ascii: "-") { sign = -1 } else if byte != UInt8(ascii: "+") { value = min(value * 10 + Int(byte - 48), 1_000_000) }
        }
        return sign * value
    }

    /// digits × 10^scale, with leading zeros already dropped.
    private static func classify(digits: [UInt8], scale: Int, negative: Bool) -> JSONNumber {
        var digits = digits
        var scale = scale
        while let last = digits.last, last == 0, scale < 0 {
            digits.removeLast()
            scale += 1
        }
        if digits.allSatisfy({ $0 == 0 }) { return .integer(0) }
        if scale < 0 { return .fraction(negative: negative) }
        guard digits.count + scale <= 19 else { return .tooLarge(negative: negative) }
        var magnitude: UInt64 = 0
        for digit in digits + [UInt8](repeating: 0, count: scale) {
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return .tooLarge(negative: negative) }
            magnitude = sum
        }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1
                ? .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) : .tooLarge(negative: true)
        }
        return magnitude <= UInt64(Int64.max) ? .integer(Int64(magnitude)) : .tooLarge(negative: false)
    }
}

/// Decodes the escapes of a JSON string's contents into UTF-8.
enum JSONStringDecoder {
    static func decode(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            // Copy the run up to the next escape at once; most of a string is plain text.
            guard let slash = raw[i...].firstIndex(of: UInt8(ascii: "\\")), slash + 1 < raw.endIndex else {
                out.append(contentsOf: raw[i...])
                break
            }
            out.append(contentsOf: raw[i..<slash])
            let (decoded, next) = escape(raw, at: slash)
            switch decoded {
            case .byte(let byte): out.append(byte)
            case .scalar(let scalar): UTF8.encode(scalar) { out.append($0) }
            }
            i = next
        }
        return out
    }

    /// The UTF-8 length of a string's decoded contents, counted without writing them out.
    static func decodedCount(_ raw: ArraySlice<UInt8>) -> Int {
        var count = 0
        var i = raw.startIndex
        while i < raw.endIndex {
            guard let slash = raw[i...].firstIndex(of: UInt8(ascii: "\\")), slash + 1 < raw.endIndex else {
                return count + raw.endIndex - i
            }
            count += slash - i
            let (decoded, next) = escape(raw, at: slash)
            switch decoded {
            case .byte: count += 1
            case .scalar(let scalar): count += UTF8.width(scalar)
            }
            i = next
        }
        return count
    }

    /// What one escape stands for.
    enum Decoded {
        /// One byte (`\n`, `\"`, ...).
        case byte(UInt8)
        /// A Unicode scalar (`\u00e9`, a surrogate pair; U+FFFD for a lone surrogate).
        case scalar(Unicode.Scalar)
    }

    /// The escape whose backslash is at `i` (with at least one byte after it), and where the text goes on.
    static func escape(_ raw: ArraySlice<UInt8>, at i: Int) -> (Decoded, next: Int) {
        let next = raw[i + 1]
        switch next {
        case UInt8(ascii: "b"): return (.byte(0x08), i + 2)
        case UInt8(ascii: "f"): return (.byte(0x0C), i + 2)
        case UInt8(ascii: "n"): return (.byte(0x0A), i + 2)
        case UInt8(ascii: "r"): return (.byte(0x0D), i + 2)
        case UInt8(ascii: "t"): return (.byte(0x09), i + 2)
        case UInt8(ascii: "u"):
            var j = i + 2
            var scalar = hex4(raw, j)
            j += 4
            if (0xD800...0xDBFF).contains(scalar), j + 6 <= raw.endIndex, raw[j] == UInt8(ascii: "\\"), raw[j + 1] == UInt8(ascii: "u") {
                let low = hex4(raw, j + 2)
                if (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                }
            }
            return (.scalar(Unicode.Scalar(scalar) ?? "\u{FFFD}"), j)
        default: return (.byte(next), i + 2)
        }
    }

    /// The value of the four hex digits at `start` (U+FFFD when the text ends first).
    static func hex4(_ raw: ArraySlice<UInt8>, _ start: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            guard start + k < raw.endIndex else { return 0xFFFD }
            let byte = raw[start + k]
            let digit: UInt8 =
                switch byte {
                case 48...57: byte - 48
                case 65...70: byte - 55
                default: byte &- 87
                }
            value = value << 4 | UInt32(digit & 0x0F)
        }
        return value
    }
}
