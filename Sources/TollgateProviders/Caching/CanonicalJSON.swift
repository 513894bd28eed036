/// One canonical text for every way of writing the same JSON value: object keys sorted by their
/// decoded text, no whitespace, strings re-escaped one way, numbers as normalised decimals.
///
/// Two bodies that a provider reads alike (any whitespace, key order or escaping, `1`, `1.0` and
/// `10e-1`) have the same canonical text, and two that it reads differently never do: a lone
/// surrogate escape stays an escape instead of becoming U+FFFD, and a repeated key keeps its last
/// value, as the provider's parser does.
public enum CanonicalJSON {
    /// The canonical text of `value`.
    public static func text(of value: JSONCursor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.range.count)
        write(value, to: &out)
        return out
    }

    /// Appends the canonical text of `value` to `out`.
    public static func write(_ value: JSONCursor, to out: inout [UInt8]) {
        switch value.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            for (index, member) in members(of: value).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += member.key
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array:
            out.append(UInt8(ascii: "["))
            for (index, element) in value.elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string:
            string(inner: value.document.bytes[value.range.dropFirst().dropLast()], to: &out)
        case .number:
            out += CanonicalNumber.text(value.document.bytes[value.range])
        case .true: out += Array("true".utf8)
        case .false: out += Array("false".utf8)
        case .null: out += Array("null".utf8)
        }
    }

    /// An object's members with their keys in canonical form (quoted), sorted, the last of a repeated key kept.
    public static func members(of object: JSONCursor) -> [(key: [UInt8], value: JSONCursor)] {
        var byKey: [[UInt8]: JSONCursor] = [:]
        for (key, value) in object.members { byKey[quoted(key)] = value }
        return byKey.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { ($0.key, $0.value) }
    }

    /// A string value's canonical text, quotes included.
    static func quoted(_ string: JSONCursor) -> [UInt8] {
        var out: [UInt8] = []
        self.string(inner: string.document.bytes[string.range.dropFirst().dropLast()], to: &out)
        return out
    }

    /// Writes a string from the bytes between its quotes: as they are when they hold no escape and no
    /// control character (the common case, already canonical), else through ``string(_:to:)``.
    static func string(inner: ArraySlice<UInt8>, to out: inout [UInt8]) {
        guard inner.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\\") }) else {
            string(Array(inner), to: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        out += inner
        out.append(UInt8(ascii: "\""))
    }

    /// Writes a string from its raw inner bytes (between the quotes) as `"…"`: escapes resolved to
    /// their characters, then only `"`, `\` and control characters escaped (`\"`, `\\`, `\u00xx`);
    /// a lone surrogate stays an escape (`\udxxx`), which no literal text can produce because a
    /// literal backslash is always written doubled.
    static func string(_ raw: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < raw.count else {
                literal(byte, to: &out)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): literal(0x08, to: &out)
            case UInt8(ascii: "f"): literal(0x0C, to: &out)
            case UInt8(ascii: "n"): literal(0x0A, to: &out)
            case UInt8(ascii: "r"): literal(0x0D, to: &out)
            case UInt8(ascii: "t"): literal(0x09, to: &out)
            case UInt8(ascii: "u"): i = unicodeEscape(raw, at: i, to: &out)
            default: literal(escape, to: &out)  // \" \\ \/
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes text that is already decoded (no escapes to resolve) as a canonical string, `"…"`.
    static func string(decoded text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 { literal(byte, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    /// One decoded byte of a string, escaped when it must be.
    private static func literal(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0..<0x20: out += Array("\\u00".utf8) + hex(UInt32(byte), digits: 2)
        default: out.append(byte)
        }
    }

    /// Resolves the `\u` escape whose four hex digits start at `i`; returns the index after it (and
    /// after its low surrogate, when it is a pair).
    private static func unicodeEscape(_ raw: [UInt8], at i: Int, to out: inout [UInt8]) -> Int {
        let high = JSONStringDecoder.hex4(raw[...], i)
        if (0xD800..<0xDC00).contains(high), i + 10 <= raw.count, raw[i + 4] == UInt8(ascii: "\\"), raw[i + 5] == UInt8(ascii: "u") {
            let low = JSONStringDecoder.hex4(raw[...], i + 6)
            if (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                out += Array(String(Character(scalar)).utf8)
                return i + 10
            }
        }
        if let scalar = Unicode.Scalar(high) {
            for byte in String(Character(scalar)).utf8 { literal(byte, to: &out) }
        } else {
            out += Array("\\u".utf8) + hex(high, digits: 4)
        }
        return i + 4
    }

    private static func hex(_ value: UInt32, digits: Int) -> [UInt8] {
        let text = String(value, radix: 16)
        return Array((String(repeating: "0", count: max(0, digits - text.count)) + text).utf8)
    }
}
