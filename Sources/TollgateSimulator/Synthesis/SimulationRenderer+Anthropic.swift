public import TollgateCore
import TollgateProviders

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

    /// The Anthropic `stop_reason` of a completion: `max_tokens` when capped, `tool_use` for a tool call,
    /// else `end_turn`.
    public static func anthropicStopReason(_ completion: SimulatedCompletion) -> String {
        if completion.truncated { return "max_tokens" }
        return completion.toolName == nil ? "end_turn" : "tool_use"
    }

    /// The id of a completion's `tool_use` block (`toolu_` and 24 hex digits, stable for a prompt).
    public static func anthropicToolUseID(_ completion: SimulatedCompletion) -> String {
        "toolu_" + completion.toolCallSuffix
    }

    /// The content block of a completion: `{"type":"text","text":...}`, or
    /// `{"type":"tool_use","id":"toolu_...","name":...,"input":{...}}` for a tool call.
    /// - Parameters:
    ///   - completion: The synthesised answer.
    ///   - complete: Whether to include the whole answer (`false` gives the empty block `content_block_start` opens).
    static func anthropicBlock(_ completion: SimulatedCompletion, complete: Bool) -> String {
        guard let name = completion.toolName else {
            return "{\"type\":\"text\",\"text\":" + JSONText.quote(complete ? completion.text : "") + "}"
        }
        return "{\"type\":\"tool_use\",\"id\":\"\(anthropicToolUseID(completion))\",\"name\":" + JSONText.quote(name)
            + ",\"input\":" + (complete ? completion.text : "{}") + "}"
    }

    /// The `delta` of one streamed piece: `text_delta`, or `input_json_delta` for a tool call.
    static func anthropicDelta(_ completion: SimulatedCompletion, piece: String) -> String {
        completion.toolName == nil
            ? "{\"type\":\"text_delta\",\"text\":" + JSONText.quote(piece) + "}"
            : "{\"type\":\"input_json_delta\",\"partial_json\":" + JSONText.quote(piece) + "}"
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
        out += ",\"content\":[" + anthropicBlock(completion, complete: true)
        out += "],\"stop_reason\":\"\(anthropicStopReason(completion))\",\"stop_sequence\":null,\"usage\":"
        out += anthropicUsage(usage, outputTokens: usage.output)
        out += "}"
        return out
    }

    /// A Messages stream framed exactly like Anthropic's: `message_start` (input and cache counts, output 1),
    /// `content_block_start` (a `tool_use` block with `input:{}` for a tool call), `ping`, one
    /// `content_block_delta` per piece (`text_delta`, or `input_json_delta` argument fragments), `content_block_stop`,
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
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + anthropicBlock(completion, complete: false) + "}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
        ]
        let tokenPrefix = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        var tokens: [String] = []
        tokens.reserveCapacity(completion.pieces.count)
        for piece in completion.pieces {
            tokens.append(tokenPrefix + anthropicDelta(completion, piece: piece) + "}\n\n")
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
