public import TollgateCore

extension SimulationRenderer {
    /// An Anthropic `usage` object as in a `Message` (and `message_start`).
    /// - Parameters:
    ///   - usage: Uncached input, cache reads and writes by TTL, output (thinking included).
    ///   - outputTokens: The output count to report (`message_start` reports a provisional 1).
    public static func anthropicUsage(_ usage: TokenUsage, outputTokens: Int64) -> String {
        var out = "{\"input_tokens\":\(usage.inputUncached),\"cache_creation_input_tokens\":\(usage.cacheWrite),"
        out += "\"cache_read_input_tokens\":\(usage.cacheRead),\"cache_creation\":{\"ephemeral_5m_input_tokens\":\(usage.cacheWrite5m),"
        out += "\"ephemeral_1h_input_tokens\":\(usage.cacheWrite1h)},\"output_tokens\":\(outputTokens),"
        if usage.reasoning > 0, outputTokens == usage.output {
            out += "\"output_tokens_details\":{\"thinking_tokens\":\(usage.reasoning)},"
        }
        out += "\"service_tier\":\"standard\",\"inference_geo\":\"not_available\"}"
        return out
    }

    /// The cumulative usage of a `message_delta` event.
    public static func anthropicDeltaUsage(_ usage: TokenUsage) -> String {
        var out = "{\"input_tokens\":\(usage.inputUncached),\"cache_creation_input_tokens\":\(usage.cacheWrite),"
        out += "\"cache_read_input_tokens\":\(usage.cacheRead),\"output_tokens\":\(usage.output)"
        if usage.reasoning > 0 {
            out += ",\"output_tokens_details\":{\"thinking_tokens\":\(usage.reasoning)}"
        }
        out += "}"
        return out
    }

    /// The Anthropic `stop_reason` of a completion.
    public static func anthropicStopReason(_ completion: SimulatedCompletion) -> String {
        completion.truncated ? "max_tokens" : "end_turn"
    }

    /// A non-streaming `Message` object.
    /// - Parameters:
    ///   - id: The message id (`msg_...`).
    ///   - model: The requested model, echoed.
    ///   - completion: The synthesised answer.
    ///   - usage: The full usage.
    public static func anthropicMessage(id: String, model: String, completion: SimulatedCompletion, usage: TokenUsage) -> String {
        var out = "{\"id\":\"\(id)\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
        out.reserveCapacity(512 + completion.outputTokens * 4)
        out += JSONText.quote(model)
        out += ",\"content\":[{\"type\":\"text\",\"text\":\""
        for piece in completion.pieces { out += piece }
        out += "\"}],\"stop_reason\":\"\(anthropicStopReason(completion))\",\"stop_sequence\":null,\"usage\":"
        out += anthropicUsage(usage, outputTokens: usage.output)
        out += "}"
        return out
    }

    /// A Messages stream framed exactly like Anthropic's: `message_start` (input and cache counts, output 1),
    /// `content_block_start`, `ping`, one `content_block_delta` per token, `content_block_stop`,
    /// `message_delta` (stop reason and cumulative usage) and `message_stop`, each with its `event:` line.
    /// - Parameters:
    ///   - id: The message id (`msg_...`).
    ///   - model: The requested model, echoed.
    ///   - completion: The synthesised answer.
    ///   - usage: The full usage.
    public static func anthropicMessageStream(id: String, model: String, completion: SimulatedCompletion, usage: TokenUsage) -> SimulatedStream {
        let head = [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":" + JSONText.quote(model)
                + ",\"id\":\"\(id)\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":" + anthropicUsage(usage, outputTokens: 1) + "}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
        ]
        let tokenPrefix =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
        var tokens: [String] = []
        tokens.reserveCapacity(completion.pieces.count)
        for piece in completion.pieces {
            tokens.append(tokenPrefix + piece + "\"}}\n\n")
        }
        let tail = [
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"\(anthropicStopReason(completion))\","
                + "\"stop_sequence\":null},\"usage\":" + anthropicDeltaUsage(usage) + "}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]
        let error = ErrorBody.render(dialect: .anthropic, status: 529, message: "Overloaded (simulated stream error)")
        return SimulatedStream(head: head, tokens: tokens, tail: tail, errorEvent: "event: error\ndata: " + error + "\n\n")
    }
}
