import TollgateCore

/// Surgical edits of a JSON object's text: a member's value is replaced in place, a new member is
/// inserted right after the opening brace, and every other byte stays as it was written.
struct JSONEdits {
    private let document: JSONDocument
    private var replacements: [(range: Range<Int>, bytes: [UInt8])] = []

    init(_ document: JSONDocument) {
        self.document = document
    }

    /// Whether any edit was made.
    var isEmpty: Bool { replacements.isEmpty }

    /// Sets `key` of `object` to the JSON text `value`: replaces the existing value (the last one,
    /// which is the one parsers keep), or inserts the member when the key is absent.
    mutating func set(_ key: String, to value: [UInt8], in object: JSONCursor) {
        if let existing = object[key] {
            replacements.append((existing.range, value))
        } else {
            insert(key, value, into: object)
        }
    }

    /// Replaces the bytes in `range` (a value's span, or the separators around removed elements) with `bytes`;
    /// the ranges of one set of edits must not overlap.
    mutating func replace(_ range: Range<Int>, with bytes: [UInt8]) {
        replacements.append((range, bytes))
    }

    /// Inserts `"key":value` as the object's first member.
    mutating func insert(_ key: String, _ value: [UInt8], into object: JSONCursor) {
        let at = object.range.lowerBound + 1
        var text = Array(JSONText.quote(key).utf8)
        text.append(UInt8(ascii: ":"))
        text.append(contentsOf: value)
        if !object.members.isEmpty { text.append(UInt8(ascii: ",")) }
        replacements.append((at..<at, text))
    }

    /// The document's bytes with every edit applied.
    func applied() -> [UInt8] {
        let bytes = document.bytes
        let sorted = replacements.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.bytes.count })
        var cursor = 0
        for edit in sorted {
            out.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            out.append(contentsOf: edit.bytes)
            cursor = edit.range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }
}
