/// Typed, validated reads of a request object's fields, each failure a 400 that names the field's path.
struct RequestFields {
    /// The object read.
    let object: JSONCursor
    /// Its path in the body (`""` for the body itself, `"messages[0]"` for a message).
    let path: String

    init(_ object: JSONCursor, path: String = "") {
        self.object = object
        self.path = path
    }

    /// The full path of a member.
    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member's value, nil when absent or `null`.
    func value(_ key: String) -> JSONCursor? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// Refuses a body in which one of `keys` occurs twice: the gateway would read one and a provider might keep the other.
    func refuseRepeated(_ keys: Set<String>) throws(RequestError) {
        if let key = object.repeatedKey(among: keys) {
            throw RequestError(
                .duplicateParameter, "The field '\(name(key))' appears more than once in the request body; send it once.", param: name(key))
        }
    }

    /// A required, non-empty string.
    func requiredString(_ key: String) throws(RequestError) -> String {
        guard let value = value(key) else { throw .missing(name(key)) }
        guard let text = value.string else { throw .invalidType(name(key), expected: "a string") }
        guard !text.isEmpty else {
            throw RequestError(.invalidValue, "'\(name(key))' must not be empty.", param: name(key))
        }
        return text
    }

    /// An optional string.
    func string(_ key: String) throws(RequestError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.string else { throw .invalidType(name(key), expected: "a string") }
        return text
    }

    /// An optional boolean.
    func bool(_ key: String) throws(RequestError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { throw .invalidType(name(key), expected: "a boolean") }
        return flag
    }

    /// An optional object.
    func object(_ key: String) throws(RequestError) -> RequestFields? {
        guard let value = value(key) else { return nil }
        guard value.kind == .object else { throw .invalidType(name(key), expected: "an object") }
        return RequestFields(value, path: name(key))
    }

    /// A required, non-empty array.
    func requiredArray(_ key: String) throws(RequestError) -> [JSONCursor] {
        guard let value = value(key) else { throw .missing(name(key)) }
        guard value.kind == .array else { throw .invalidType(name(key), expected: "an array") }
        let elements = value.elements
        guard !elements.isEmpty else {
            throw RequestError(.invalidValue, "'\(name(key))' must contain at least one item.", param: name(key))
        }
        return elements
    }

    /// An optional integer within `bounds`, worded as OpenAI words it.
    func integer(_ key: String, in bounds: ClosedRange<Int64>) throws(RequestError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.number else { throw .invalidType(name(key), expected: "an integer") }
        let field = name(key)
        switch number {
        case .fraction:
            throw .invalidType(field, expected: "an integer")
        case .tooLarge(let negative):
            throw Self.outOfRange(field, below: negative, bounds: bounds, got: String(decoding: value.document.bytes[value.range], as: UTF8.self))
        case .integer(let n):
            guard bounds.contains(n) else { throw Self.outOfRange(field, below: n < bounds.lowerBound, bounds: bounds, got: "\(n)") }
            return Int(n)
        }
    }

    private static func outOfRange(_ field: String, below: Bool, bounds: ClosedRange<Int64>, got: String) -> RequestError {
        let shown = got.count > 40 ? String(got.prefix(40)) + "…" : got
        return below
            ? RequestError(
                .integerBelowMinValue,
                "Invalid '\(field)': integer below minimum value. Expected a value >= \(bounds.lowerBound), but got \(shown) instead.", param: field)
            : RequestError(
                .integerAboveMaxValue,
                "Invalid '\(field)': integer above maximum value. Expected a value <= \(bounds.upperBound), but got \(shown) instead.", param: field)
    }
}

/// Bytes of prompt text in request content, for input estimates.
enum PromptText {
    /// Text in a content value: a string, or parts and blocks carrying `text` (tool results nest `content`).
    static func bytes(_ content: JSONCursor?, depth: Int = 0) -> Int {
        guard let content, depth < 8 else { return 0 }
        switch content.kind {
        case .string:
            return content.stringByteCount ?? 0
        case .array:
            var total = 0
            for part in content.elements {
                if part.kind == .string {
                    total += part.stringByteCount ?? 0
                } else if part.kind == .object {
                    total += part["text"]?.stringByteCount ?? 0
                    total += bytes(part["content"], depth: depth + 1)
                }
            }
            return total
        default:
            return 0
        }
    }
}

extension RequestFields {
    /// The largest output cap the gateway forwards: beyond it every provider refuses, and sums stay in range.
    static let maxOutputTokens: ClosedRange<Int64> = 1...Int64(Int32.max)
}
