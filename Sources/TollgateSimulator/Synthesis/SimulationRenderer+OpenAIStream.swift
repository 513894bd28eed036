public import TollgateCore
import TollgateProviders

extension SimulationRenderer {
    /// A `chat.completion.chunk` stream framed exactly like OpenAI's.
    ///
    /// Head: one role chunk per choice (for a tool call it also carries the call's `id`, `type`,
    /// `function.name` and `arguments:""`). Tokens: one chunk per piece (`delta.content`, or
    /// `delta.tool_calls[0].function.arguments` fragments), the choices interleaved round-robin.
    /// Tail: one finish chunk per choice, a usage chunk with `"choices":[]` only when `includeUsage`,
    /// then `data: [DONE]`.
    /// - Parameters:
    ///   - id: The completion id (`chatcmpl-...`), the same on every chunk.
    ///   - created: Unix seconds.
    ///   - model: The requested model, echoed.
    ///   - choices: The synthesised answers, one per requested choice (`n`).
    ///   - usage: The full usage (output summed over the choices), sent only when `includeUsage`.
    ///   - includeUsage: The request's `stream_options.include_usage`.
    public static func openAIChatStream(
        id: String,
        created: Int,
        model: String,
        choices: [SimulatedCompletion],
        usage: TokenUsage,
        includeUsage: Bool
    ) -> SimulatedStream {
        let prefix =
            "data: {\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"created\":\(created),\"model\":"
            + JSONText.quote(model) + ",\"system_fingerprint\":\"\(openAISystemFingerprint)\",\"choices\":"
        let head = choices.map { prefix + "[" + openAIRoleChoice($0) + "]}\n\n" }
        var tokens: [String] = []
        tokens.reserveCapacity(choices.reduce(0) { $0 + $1.pieces.count })
        let longest = choices.map(\.pieces.count).max() ?? 0
        for step in 0..<longest {
            for choice in choices where step < choice.pieces.count {
                tokens.append(prefix + "[" + openAIPieceChoice(choice, piece: choice.pieces[step]) + "]}\n\n")
            }
        }
        var tail = choices.map {
            prefix + "[{\"index\":\($0.index),\"delta\":{},\"logprobs\":null,\"finish_reason\":\"\(openAIFinishReason($0))\"}]}\n\n"
        }
        if includeUsage {
            tail.append(prefix + "[],\"usage\":" + openAIUsage(usage) + "}\n\n")
        }
        tail.append("data: [DONE]\n\n")
        let error = ErrorBody.render(
            dialect: .openai,
            status: 500,
            message: "The server had an error while processing your request. (simulated stream error)",
            code: "server_error"
        )
        return SimulatedStream(head: head, tokens: tokens, tail: tail, errorEvent: "data: " + error + "\n\n")
    }

    /// The first chunk's choice: the role, and for a tool call the call's id, type and name.
    static func openAIRoleChoice(_ choice: SimulatedCompletion) -> String {
        var out = "{\"index\":\(choice.index),\"delta\":{\"role\":\"assistant\","
        if let name = choice.toolName {
            out += "\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"\(openAIToolCallID(choice))\",\"type\":\"function\","
            out += "\"function\":{\"name\":" + JSONText.quote(name) + ",\"arguments\":\"\"}}]"
        } else {
            out += "\"content\":\"\""
        }
        out += ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}"
        return out
    }

    /// A token chunk's choice: a content piece, or an argument fragment of the choice's tool call.
    static func openAIPieceChoice(_ choice: SimulatedCompletion, piece: String) -> String {
        let delta =
            choice.toolName == nil
            ? "{\"content\":" + JSONText.quote(piece) + "}"
            : "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + JSONText.quote(piece) + "}}]}"
        return "{\"index\":\(choice.index),\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":null}"
    }
}
