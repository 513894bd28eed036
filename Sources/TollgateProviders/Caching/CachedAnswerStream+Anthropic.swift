import TollgateCore

extension CachedAnswerStream {
    /// The events of a `message`.
    static func messageEvents(_ root: JSONCursor) -> [UInt8]? {
        guard root["type"]?.string == "message", let content = root["content"], content.kind == .array,
            let usage = root["usage"], usage.kind == .object, let outputTokens = usage["output_tokens"], let output = outputTokens.integer,
            output >= 0
        else { return nil }
        var blocks: [UInt8] = []
        for (index, block) in content.elements.enumerated() {
            guard let events = blockEvents(block, index: index) else { return nil }
            blocks += events
        }
        var start: [UInt8] = []
        start.write("{\"type\":\"message_start\",\"message\":{\"id\":")
        start.write(value: root["id"], or: "\"\"")
        start.write(",\"type\":\"message\",\"role\":")
        start.write(value: root["role"], or: "\"assistant\"")
        start.write(",\"model\":")
        start.write(value: root["model"], or: "\"\"")
        start.write(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":")
        start += startUsage(usage, outputTokens: min(1, output))
        start.write("}}")
        var delta: [UInt8] = []
        delta.write("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":")
        delta.write(value: root["stop_reason"], or: "null")
        delta.write(",\"stop_sequence\":")
        delta.write(value: root["stop_sequence"], or: "null")
        delta.write("},\"usage\":{")
        delta.write(member: "output_tokens", value: outputTokens)
        if let details = usage["output_tokens_details"] {
            delta.write(",")
            delta.write(member: "output_tokens_details", value: details)
        }
        delta.write("}}")
        var out: [UInt8] = []
        out.writeEvent(name: "message_start", data: start)
        out += blocks
        out.writeEvent(name: "message_delta", data: delta)
        out.writeEvent(name: "message_stop", data: Array("{\"type\":\"message_stop\"}".utf8))
        return out
    }

    /// `message_start`'s usage: the body's input and cache counts as written, and the provisional output count.
    private static func startUsage(_ usage: JSONCursor, outputTokens: Int64) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (key, value) in usage.members {
            guard let name = key.string, name != "output_tokens", name != "output_tokens_details" else { continue }
            out.write(value: key)
            out.write(":")
            out.write(value: value)
            out.write(",")
        }
        out.write("\"output_tokens\":\(outputTokens)}")
        return out
    }

    /// `content_block_start`, the block's deltas and `content_block_stop`; nil for a block that cannot be streamed.
    private static func blockEvents(_ block: JSONCursor, index: Int) -> [UInt8]? {
        guard let (opening, deltas) = blockParts(block) else { return nil }
        var out: [UInt8] = []
        out.writeEvent(
            name: "content_block_start",
            data: Array("{\"type\":\"content_block_start\",\"index\":\(index),\"content_block\":".utf8) + opening + [UInt8(ascii: "}")])
        for delta in deltas {
            out.writeEvent(
                name: "content_block_delta",
                data: Array("{\"type\":\"content_block_delta\",\"index\":\(index),\"delta\":".utf8) + delta + [UInt8(ascii: "}")])
        }
        out.writeEvent(name: "content_block_stop", data: Array("{\"type\":\"content_block_stop\",\"index\":\(index)}".utf8))
        return out
    }

    /// The block `content_block_start` opens (text, thinking and input empty) and the deltas that fill it in.
    private static func blockParts(_ block: JSONCursor) -> (opening: [UInt8], deltas: [[UInt8]])? {
        guard block.kind == .object, let type = block["type"]?.string else { return nil }
        switch type {
        case "text":
            guard block.hasOnlyMembers(["type", "text"]), let text = block["text"], text.kind == .string else { return nil }
            return (Array(#"{"type":"text","text":""}"#.utf8), text.range.count > 2 ? [delta("text_delta", "text", text)] : [])
        case "tool_use":
            guard block.hasOnlyMembers(["type", "id", "name", "input"]), let id = block["id"], id.kind == .string,
                let name = block["name"], name.kind == .string, let input = block["input"], input.kind == .object
            else { return nil }
            var opening: [UInt8] = []
            opening.write("{\"type\":\"tool_use\",")
            opening.write(member: "id", value: id)
            opening.write(",")
            opening.write(member: "name", value: name)
            opening.write(",\"input\":{}}")
            let partial = JSONText.quote(String(decoding: input.text, as: UTF8.self))
            return (opening, [Array("{\"type\":\"input_json_delta\",\"partial_json\":\(partial)}".utf8)])
        case "thinking":
            guard block.hasOnlyMembers(["type", "thinking", "signature"]), let thinking = block["thinking"], thinking.kind == .string else {
                return nil
            }
            var deltas = thinking.range.count > 2 ? [delta("thinking_delta", "thinking", thinking)] : []
            if let signature = block["signature"], !signature.isNull {
                guard signature.kind == .string else { return nil }
                deltas.append(delta("signature_delta", "signature", signature))
            }
            return (Array(#"{"type":"thinking","thinking":""}"#.utf8), deltas)
        case "redacted_thinking":
            return (Array(block.text), [])
        default:
            return nil
        }
    }

    /// `{"type":<type>,"<key>":<value as written>}`.
    private static func delta(_ type: String, _ key: String, _ value: JSONCursor) -> [UInt8] {
        var out: [UInt8] = []
        out.write("{\"type\":\"" + type + "\",")
        out.write(member: key, value: value)
        out.write("}")
        return out
    }
}
