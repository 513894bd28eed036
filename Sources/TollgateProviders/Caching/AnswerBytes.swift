/// Byte-level reading and writing shared by ``CachedAnswerStream`` and ``StreamAnswerAssembler``:
/// values are copied as the provider wrote them (escapes included), never decoded and re-encoded.
extension JSONCursor {
    /// The value's JSON text, exactly as written.
    var text: ArraySlice<UInt8> { document.bytes[range] }

    /// A string's raw contents between its quotes (escapes kept); nil for other kinds.
    var stringContents: ArraySlice<UInt8>? {
        guard kind == .string else { return nil }
        return document.bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
    }

    /// Whether the value is a string, or `null`.
    var isStringOrNull: Bool { kind == .string || kind == .null }

    /// Whether every member of this object is one of `known` or has the value `null`.
    func hasOnlyMembers(_ known: Set<String>) -> Bool {
        members.allSatisfy { member in member.value.isNull || member.key.string.map(known.contains) == true }
    }
}

extension [UInt8] {
    /// Appends text's UTF-8 bytes.
    mutating func write(_ text: String) {
        append(contentsOf: text.utf8)
    }

    /// Appends a value's JSON text as written.
    mutating func write(value: JSONCursor) {
        append(contentsOf: value.text)
    }

    /// Appends a value's JSON text, or `fallback` when it is absent.
    mutating func write(value: JSONCursor?, or fallback: String) {
        if let value { write(value: value) } else { write(fallback) }
    }

    /// Appends `"key":` and a value's JSON text.
    mutating func write(member key: String, value: JSONCursor) {
        write("\"" + key + "\":")
        write(value: value)
    }

    /// Appends one server-sent event: an `event:` line when named, the `data:` line, and the blank line.
    mutating func writeEvent(name: String? = nil, data: [UInt8]) {
        if let name { write("event: " + name + "\n") }
        write("data: ")
        append(contentsOf: data)
        write("\n\n")
    }

    /// Appends a JSON string whose raw contents (escapes already in JSON form) are `contents`.
    mutating func write(stringContents contents: some Collection<UInt8>) {
        append(UInt8(ascii: "\""))
        append(contentsOf: contents)
        append(UInt8(ascii: "\""))
    }
}
