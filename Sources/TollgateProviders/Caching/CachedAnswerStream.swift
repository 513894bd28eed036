/// Renders a stored, complete (non-streamed) answer as the server-sent events the provider would have streamed.
///
/// Every string is copied as the provider wrote it, escapes included, and the usage the events carry
/// is the body's: ``StreamMeter`` fed with the events reads the same usage that
/// ``RouteKind/meter(responseBody:)`` reads from the body. An answer holding anything the renderer
/// cannot stream faithfully (an unknown content block, a non-empty message field it does not know)
/// has no events, so a client never receives less than the provider sent.
public enum CachedAnswerStream {
    /// The SSE bytes (each event terminated by a blank line) for a stored answer body in the route's dialect;
    /// nil when the route is not chatCompletions or messages, or the body is not such an answer.
    ///
    /// A chat completion streams, per choice, a chunk with the role, content (`null` for a tool call),
    /// reasoning, refusal and log probabilities, one chunk per tool call (id, type, name and all its
    /// arguments), then a finish chunk per choice, the usage chunk and `data: [DONE]`. A message streams
    /// `message_start` (the body's usage with a provisional `output_tokens` of at most 1 and without
    /// `output_tokens_details`), each content block's `content_block_start`, deltas and `content_block_stop`,
    /// `message_delta` (stop reason, stop sequence, `output_tokens` and `output_tokens_details`) and `message_stop`.
    /// - Parameters:
    ///   - body: The stored answer: a `chat.completion` or a `message` object with a `usage` object.
    ///   - route: The route the answer was produced on.
    ///   - includeUsage: for chat.completions, whether the final usage chunk (`"choices":[]`, `"usage":{...}`) is sent,
    ///     as OpenAI does only when the caller asked `stream_options.include_usage`; Anthropic always carries usage
    ///     (message_start and message_delta).
    /// - Returns: The events, or nil.
    public static func events(body: [UInt8], route: RouteKind, includeUsage: Bool) -> [UInt8]? {
        guard let document = try? JSONDocument(parsing: body), document.root.kind == .object else { return nil }
        switch route {
        case .chatCompletions: return chatEvents(document.root, includeUsage: includeUsage)
        case .messages: return messageEvents(document.root)
        case .embeddings, .responses, .countTokens: return nil
        }
    }

    /// The chunks of a `chat.completion`.
    static func chatEvents(_ root: JSONCursor, includeUsage: Bool) -> [UInt8]? {
        guard let usage = root["usage"], usage.kind == .object, let list = root["choices"], list.kind == .array, !list.elements.isEmpty else {
            return nil
        }
        var choices: [StreamedChoice] = []
        for element in list.elements {
            guard let choice = StreamedChoice(element) else { return nil }
            choices.append(choice)
        }
        let head = chunkHead(root)
        var out: [UInt8] = []
        for choice in choices {
            for (position, delta) in choice.deltas.enumerated() {
                var chunk = head
                chunk.write("[{\"index\":")
                chunk.write(value: choice.index)
                chunk.write(",\"delta\":")
                chunk += delta
                chunk.write(",\"logprobs\":")
                chunk.write(value: position == 0 ? choice.logprobs : nil, or: "null")
                chunk.write(",\"finish_reason\":null}]}")
                out.writeEvent(data: chunk)
            }
        }
        for choice in choices {
            var chunk = head
            chunk.write("[{\"index\":")
            chunk.write(value: choice.index)
            chunk.write(",\"delta\":{},\"logprobs\":null,\"finish_reason\":")
            chunk.write(value: choice.finishReason)
            chunk.write("}]}")
            out.writeEvent(data: chunk)
        }
        if includeUsage {
            var chunk = head
            chunk.write("[],\"usage\":")
            chunk.write(value: usage)
            chunk.write("}")
            out.writeEvent(data: chunk)
        }
        out.writeEvent(data: Array("[DONE]".utf8))
        return out
    }

    /// Every chunk's opening up to the value of `choices`: id, object, created, model, and the
    /// system fingerprint and service tier when the answer has them.
    private static func chunkHead(_ root: JSONCursor) -> [UInt8] {
        var head: [UInt8] = []
        head.write("{\"id\":")
        head.write(value: root["id"], or: "\"\"")
        head.write(",\"object\":\"chat.completion.chunk\",\"created\":")
        head.write(value: root["created"], or: "0")
        head.write(",\"model\":")
        head.write(value: root["model"], or: "\"\"")
        for key in ["system_fingerprint", "service_tier"] {
            guard let value = root[key] else { continue }
            head.write(",")
            head.write(member: key, value: value)
        }
        head.write(",\"choices\":")
        return head
    }
}

/// One choice of a `chat.completion`, as the deltas that stream it.
private struct StreamedChoice {
    var index: JSONCursor
    var finishReason: JSONCursor
    var logprobs: JSONCursor?
    /// The first delta (role, content, reasoning, refusal), then one per tool call.
    var deltas: [[UInt8]] = []

    private static let messageKeys: Set<String> = ["role", "content", "refusal", "reasoning_content", "tool_calls", "annotations"]

    init?(_ choice: JSONCursor) {
        guard let index = choice["index"], let number = index.integer, number >= 0,
            let finishReason = choice["finish_reason"], finishReason.kind == .string,
            let message = choice["message"], message.kind == .object, message.hasOnlyMembers(Self.messageKeys)
        else { return nil }
        self.index = index
        self.finishReason = finishReason
        if let logprobs = choice["logprobs"], !logprobs.isNull {
            guard logprobs.kind == .object else { return nil }
            self.logprobs = logprobs
        }
        if let annotations = message["annotations"], !annotations.isNull {
            guard annotations.kind == .array, annotations.elements.isEmpty else { return nil }
        }
        guard let first = Self.firstDelta(message) else { return nil }
        deltas.append(first)
        if let calls = message["tool_calls"], !calls.isNull {
            guard calls.kind == .array else { return nil }
            for (position, call) in calls.elements.enumerated() {
                guard let delta = Self.toolCallDelta(call, index: position) else { return nil }
                deltas.append(delta)
            }
        }
    }

    /// `{"role":…,"content":…}` with `reasoning_content` and `refusal` when the message has them.
    private static func firstDelta(_ message: JSONCursor) -> [UInt8]? {
        let role = message["role"]
        let content = message["content"]
        guard role.map({ $0.kind == .string }) ?? true, content?.isStringOrNull ?? true else { return nil }
        var delta: [UInt8] = []
        delta.write("{\"role\":")
        delta.write(value: role, or: "\"assistant\"")
        delta.write(",\"content\":")
        delta.write(value: content, or: "null")
        for key in ["reasoning_content", "refusal"] {
            guard let value = message[key] else { continue }
            guard value.isStringOrNull else { return nil }
            if key == "reasoning_content", value.isNull { continue }
            delta.write(",")
            delta.write(member: key, value: value)
        }
        delta.write("}")
        return delta
    }

    /// `{"tool_calls":[{"index":…,"id":…,"type":…,"function":{"name":…,"arguments":…}}]}`.
    private static func toolCallDelta(_ call: JSONCursor, index: Int) -> [UInt8]? {
        guard call.kind == .object, call.hasOnlyMembers(["id", "type", "function"]),
            let id = call["id"], id.kind == .string, call["type"].map({ $0.kind == .string }) ?? true,
            let function = call["function"], function.kind == .object, function.hasOnlyMembers(["name", "arguments"]),
            let name = function["name"], name.kind == .string, let arguments = function["arguments"], arguments.kind == .string
        else { return nil }
        var delta: [UInt8] = []
        delta.write("{\"tool_calls\":[{\"index\":\(index),\"id\":")
        delta.write(value: id)
        delta.write(",\"type\":")
        delta.write(value: call["type"], or: "\"function\"")
        delta.write(",\"function\":{\"name\":")
        delta.write(value: name)
        delta.write(",\"arguments\":")
        delta.write(value: arguments)
        delta.write("}}]}")
        return delta
    }
}
