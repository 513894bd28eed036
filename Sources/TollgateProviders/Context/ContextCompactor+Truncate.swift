import TollgateCore

/// `truncate_tool_results`: each tool result longer than the rule allows is cut, with a marker saying so.
extension ContextCompactor {
    /// Cuts each tool result after the protected prefix and before the latest input to `maxTokens` tokens
    /// of its text (between Unicode scalars), followed by ``truncationMarker(removed:afterText:)``; a result
    /// that the marker would not make shorter is left whole. Nil when no result is cut.
    static func truncateToolResults(_ conversation: ContextConversation, maxTokens: Int) -> JSONEdits? {
        var edits = JSONEdits(conversation.document)
        for (i, message) in conversation.messages.enumerated() where conversation.isEditable(i) {
            for result in message.toolResults {
                switch result.kind {
                case .string: truncateString(result, maxTokens: maxTokens, into: &edits)
                case .array: truncateParts(result, maxTokens: maxTokens, into: &edits)
                default: continue
                }
            }
        }
        return edits.isEmpty ? nil : edits
    }

    /// The text that ends a cut tool result.
    static func truncationMarker(removed: Int64, afterText: Bool) -> [UInt8] {
        Array(((afterText ? "\n" : "") + "… [truncated by Tollgate: \(removed) tokens removed]").utf8)
    }

    /// A result written as one string.
    private static func truncateString(_ result: JSONCursor, maxTokens: Int, into edits: inout JSONEdits) {
        guard let text = result.stringBytes else { return }
        let total = TokenEstimator.tokens(byteCount: text.count)
        guard total > Int64(maxTokens) else { return }
        let kept = prefixLength(text, atMost: TokenEstimator.byteCount(tokens: maxTokens))
        let cut = text[..<kept] + truncationMarker(removed: total - TokenEstimator.tokens(byteCount: kept), afterText: kept > 0)
        guard cut.count < text.count else { return }
        edits.replace(result.range, with: literal(cut))
    }

    /// A result written as parts: the text parts share the allowance in order; the one that crosses it is
    /// cut and the text parts after it go (other parts, such as images, stay).
    private static func truncateParts(_ result: JSONCursor, maxTokens: Int, into edits: inout JSONEdits) {
        let parts = result.elements
        let texts: [(index: Int, text: [UInt8], cursor: JSONCursor)] = parts.enumerated().compactMap { k, part in
            guard let value = part["text"], let text = value.stringBytes else { return nil }
            return (index: k, text: text, cursor: value)
        }
        let totalBytes = texts.reduce(0) { $0 + $1.text.count }
        let total = TokenEstimator.tokens(byteCount: totalBytes)
        guard total > Int64(maxTokens) else { return }
        let allowance = TokenEstimator.byteCount(tokens: maxTokens)
        var used = 0
        var crossing: Int?
        for (k, entry) in texts.enumerated() {
            if used + entry.text.count > allowance {
                crossing = k
                break
            }
            used += entry.text.count
        }
        guard let crossing else { return }
        let part = texts[crossing]
        let kept = prefixLength(part.text, atMost: allowance - used)
        let removed = total - TokenEstimator.tokens(byteCount: used + kept)
        let cut = part.text[..<kept] + truncationMarker(removed: removed, afterText: used + kept > 0)
        guard used + cut.count < totalBytes else { return }
        edits.replace(part.cursor.range, with: literal(cut))
        edits.remove(elements: Set(texts[(crossing + 1)...].map(\.index)), from: result)
    }

    /// The longest prefix of UTF-8 `text` of at most `limit` bytes that ends between Unicode scalars.
    static func prefixLength(_ text: [UInt8], atMost limit: Int) -> Int {
        var length = min(max(limit, 0), text.count)
        while length > 0, length < text.count, text[length] & 0xC0 == 0x80 { length -= 1 }
        return length
    }

    /// The JSON string literal of UTF-8 text, escaped as ``JSONText/quote(_:)`` escapes.
    static func literal(_ text: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.count + 2)
        for byte in text {
            let escape: UInt8? =
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
                case 0x0A: UInt8(ascii: "n")
                case 0x0D: UInt8(ascii: "r")
                case 0x09: UInt8(ascii: "t")
                case ..<0x20: UInt8(ascii: "u")
                default: nil
                }
            guard let escape else {
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\\"))
            out.append(escape)
            if escape == UInt8(ascii: "u") { out += [48, 48, hexDigit(byte >> 4), hexDigit(byte & 0x0F)] }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 87 + value }
}

extension JSONCursor {
    /// A string's decoded text as UTF-8 bytes; nil for other kinds.
    var stringBytes: [UInt8]? {
        guard kind == .string else { return nil }
        return JSONStringDecoder.decode(document.bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
    }
}
