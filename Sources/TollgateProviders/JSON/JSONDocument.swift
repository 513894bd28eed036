/// A validated JSON document (RFC 8259) over its UTF-8 bytes, read once into a tape of value spans.
///
/// The gateway takes meaning from bodies (model, limits, usage) with this reader, so whitespace,
/// key order and escapes never change what is metered, and it rewrites bodies surgically by the
/// spans it records: every byte outside an edited value stays as the caller sent it.
///
/// The tape holds one ``Node`` per value in document order; an object's children alternate key
/// and value. Each node knows where its subtree ends on the tape, so siblings are skipped in O(1).
public struct JSONDocument: Sendable {
    /// The document's bytes, as given.
    public let bytes: [UInt8]
    /// The values in document order.
    var nodes: [Node]

    /// A value on the tape.
    struct Node: Sendable {
        /// What the value is.
        var kind: Kind
        /// Whether a string contains escape sequences (its raw bytes are not its value).
        var escaped: Bool
        /// Byte offset of the value's first byte.
        var start: Int32
        /// Byte offset just after the value's last byte.
        var end: Int32
        /// Tape index just after this value's subtree (the next sibling).
        var next: Int32
    }

    /// The kinds of JSON values.
    public enum Kind: UInt8, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    /// Parses and validates a document.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text; surrounding whitespace and a leading byte order mark are allowed.
    ///   - maxDepth: The deepest nesting accepted.
    /// - Throws: ``JSONSyntaxError`` naming the first problem and its byte offset.
    public init(parsing bytes: [UInt8], maxDepth: Int = 512) throws(JSONSyntaxError) {
        self.bytes = bytes
        var parser = JSONParser(count: bytes.count, maxDepth: maxDepth)
        nodes = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
            try parser.parse(buffer)
        }
    }

    /// The root value.
    public var root: JSONCursor { JSONCursor(document: self, index: 0) }
}

/// Why a text is not valid JSON.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// The byte offset where it was found.
    public var offset: Int

    /// A one-line description with the offset.
    public var description: String { "\(reason) at byte \(offset)" }
}

/// The single-pass, non-recursive validating parser behind ``JSONDocument``.
struct JSONParser {
    private var nodes: [JSONDocument.Node] = []
    private var stack: [Int32] = []
    private var index = 0
    private let count: Int
    private let maxDepth: Int

    init(count: Int, maxDepth: Int) {
        self.count = count
        self.maxDepth = maxDepth
        nodes.reserveCapacity(16)
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
    private static let comma = UInt8(ascii: ","), openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, offset: offset ?? index)
    }

    mutating func parse(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> [JSONDocument.Node] {
        if count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { index = 3 }
        skipSpace(b)
        guard index < count else { throw fail("the body is empty") }
        while true {
            try value(b)
            // After a value: close containers, or move on to the next member or element.
            while let top = stack.last {
                skipSpace(b)
                guard index < count else { throw fail("the JSON text ends inside an unclosed object or array") }
                let isObject = nodes[Int(top)].kind == .object
                let byte = b[index]
                if byte == Self.comma {
                    index += 1
                    if isObject { try key(b) }
                    break
                }
                guard byte == (isObject ? Self.closeBrace : Self.closeBracket) else {
                    throw fail(isObject ? "expected ',' or '}' after an object member" : "expected ',' or ']' after an array element")
                }
                index += 1
                close(top)
            }
            if stack.isEmpty { break }
        }
        skipSpace(b)
        guard index == count else { throw fail("unexpected text after the JSON value") }
        return nodes
    }

    private mutating func close(_ top: Int32) {
        nodes[Int(top)].end = Int32(index)
        nodes[Int(top)].next = Int32(nodes.count)
        stack.removeLast()
    }

    /// Reads one value; containers are opened and left on the stack with their first member read up to its value.
    private mutating func value(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        while true {
            skipSpace(b)
            guard index < count else { throw fail("expected a value, found the end of the text") }
            let byte = b[index]
            switch byte {
            case Self.openBrace, Self.openBracket:
                guard stack.count < maxDepth else { throw fail("the JSON text nests deeper than \(maxDepth) levels") }
                let isObject = byte == Self.openBrace
                stack.append(Int32(nodes.count))
                nodes.append(.init(kind: isObject ? .object : .array, escaped: false, start: Int32(index), end: 0, next: 0))
                index += 1
                skipSpace(b)
                if index < count, b[index] == (isObject ? Self.closeBrace : Self.closeBracket) {
                    index += 1
                    close(stack[stack.count - 1])
                    return
                }
                if isObject {
                    try key(b)
                    continue
                }
                continue
            case Self.quote:
                try string(b)
                return
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number(b)
                return
            case UInt8(ascii: "t"): try literal(b, "true", .true)
            case UInt8(ascii: "f"): try literal(b, "false", .false)
            case UInt8(ascii: "n"): try literal(b, "null", .null)
            default: throw fail("unexpected character '\(Self.printable(byte))' where a value was expected")
            }
            return
        }
    }

    /// Reads an object key and its colon.
    private mutating func key(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        skipSpace(b)
        guard index < count, b[index] == Self.quote else { throw fail("expected a string key in double quotes") }
        try string(b)
        skipSpace(b)
        guard index < count, b[index] == Self.colon else { throw fail("expected ':' after an object key") }
        index += 1
    }

    private mutating func literal(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString, _ kind: JSONDocument.Kind) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard index + length <= count else { throw fail("invalid literal") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: length)
        for k in 0..<length where b[index + k] != expected[k] { throw fail("invalid literal") }
        nodes.append(.init(kind: kind, escaped: false, start: Int32(index), end: Int32(index + length), next: Int32(nodes.count + 1)))
        index += length
    }

    private mutating func number(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let start = index
        func digit(_ i: Int) -> Bool { i < count && b[i] >= 48 && b[i] <= 57 }
        if b[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(index) else { throw fail("a number needs digits", at: start) }
        if b[index] == UInt8(ascii: "0") {
            index += 1
            if digit(index) { throw fail("a number may not have a leading zero", at: start) }
        } else {
            while digit(index) { index += 1 }
        }
        if index < count, b[index] == UInt8(ascii: ".") {
            index += 1
            guard digit(index) else { throw fail("a number needs digits after its decimal point", at: start) }
            while digit(index) { index += 1 }
        }
        if index < count, b[index] == UInt8(ascii: "e") || b[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") { index += 1 }
            guard digit(index) else { throw fail("a number needs digits in its exponent", at: start) }
            while digit(index) { index += 1 }
        }
        nodes.append(.init(kind: .number, escaped: false, start: Int32(start), end: Int32(index), next: Int32(nodes.count + 1)))
    }

    private mutating func string(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let start = index
        index += 1
        var escaped = false
        while true {
            guard index < count else { throw fail("a string is not closed", at: start) }
            let byte = b[index]
            if byte == Self.quote { break }
            if byte == Self.backslash {
                escaped = true
                try escape(b)
            } else if byte < 0x20 {
                throw fail("a string contains an unescaped control character")
            } else if byte < 0x80 {
                index += 1
            } else {
                try utf8(b)
            }
        }
        index += 1
        nodes.append(.init(kind: .string, escaped: escaped, start: Int32(start), end: Int32(index), next: Int32(nodes.count + 1)))
    }

    private mutating func escape(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        guard index + 1 < count else { throw fail("a string ends inside an escape") }
        switch b[index + 1] {
        case Self.quote, Self.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard index + 5 < count, (2...5).allSatisfy({ Self.isHex(b[index + $0]) }) else { throw fail("invalid \\u escape") }
            index += 6
        default:
            throw fail("invalid escape '\\\(Self.printable(b[index + 1]))'")
        }
    }

    /// Validates one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
    private mutating func utf8(_ b: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        let lead = b[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw fail("the text is not valid UTF-8")
        }
        guard index + length <= count else { throw fail("the text is not valid UTF-8") }
        let second = b[index + 1]
        guard second >= low, second <= high else { throw fail("the text is not valid UTF-8") }
        for k in 2..<max(2, length) where b[index + k] & 0xC0 != 0x80 { throw fail("the text is not valid UTF-8") }
        index += length
    }

    private mutating func skipSpace(_ b: UnsafeBufferPointer<UInt8>) {
        while index < count {
            let byte = b[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}
