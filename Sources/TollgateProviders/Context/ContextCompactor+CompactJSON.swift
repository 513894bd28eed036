/// `compact_json`: tool-call arguments and tool results that are JSON text, without insignificant whitespace.
extension ContextCompactor {
    /// Rewrites each JSON text after the protected prefix (the latest input included: nothing is lost)
    /// without the whitespace between its tokens; nil when none has any.
    static func compactJSON(_ conversation: ContextConversation) -> JSONEdits? {
        var edits = JSONEdits(conversation.document)
        for message in conversation.messages[conversation.protectedCount...] {
            for text in message.callArguments + message.toolResults.flatMap(resultTexts) {
                if let literal = JSONWhitespace.compactedLiteral(text) { edits.replace(text.range, with: literal) }
            }
        }
        return edits.isEmpty ? nil : edits
    }

    /// The strings holding a tool result's text: the result itself, or its text parts' `text`.
    static func resultTexts(_ result: JSONCursor) -> [JSONCursor] {
        switch result.kind {
        case .string:
            return [result]
        case .array:
            return result.elements.compactMap { part in
                guard part["type"]?.string == "text", let text = part["text"], text.kind == .string else { return nil }
                return text
            }
        default:
            return []
        }
    }
}

/// Dropping the insignificant whitespace of JSON text.
enum JSONWhitespace {
    /// The string literal of a JSON string whose text is a JSON object or array, written again without
    /// the whitespace between its tokens (values, key order and escapes as they were); nil when the text
    /// is not such JSON or has no such whitespace.
    static func compactedLiteral(_ literal: JSONCursor) -> [UInt8]? {
        guard let bytes = literal.stringBytes, let first = bytes.first(where: { !isSpace($0) }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return nil }
        guard (try? JSONDocument(parsing: bytes)) != nil else { return nil }
        let compact = compacted(bytes)
        guard compact.count < bytes.count else { return nil }
        return ContextCompactor.literal(compact)
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Valid JSON text without the whitespace outside its strings.
    static func compacted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaping = false
        for byte in bytes {
            if inString {
                if escaping {
                    escaping = false
                } else if byte == UInt8(ascii: "\\") {
                    escaping = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if isSpace(byte) {
                continue
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            out.append(byte)
        }
        return out
    }
}
