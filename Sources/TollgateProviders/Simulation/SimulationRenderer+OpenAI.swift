public import TollgateCore

/// Renders simulated answers as the exact JSON and SSE text the real providers send.
///
/// Everything is written by hand (no encoder) on the request path; only client-provided strings
/// (model names) are escaped, the synthetic text never needs it.
public enum SimulationRenderer {}

extension SimulationRenderer {
    /// The system fingerprint the simulator reports on OpenAI answers.
    public static let openAISystemFingerprint = "fp_sim"

    /// An OpenAI `usage` object with every detail field.
    /// - Parameter usage: Input (cached reads in ``TokenUsage/cacheRead``) and output (reasoning included).
    public static func openAIUsage(_ usage: TokenUsage) -> String {
        let prompt = usage.inputTotal
        return "{\"prompt_tokens\":\(prompt),\"completion_tokens\":\(usage.output),\"total_tokens\":\(prompt + usage.output),"
            + "\"prompt_tokens_details\":{\"cached_tokens\":\(usage.cacheRead),\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":\(usage.reasoning),\"audio_tokens\":0,"
            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}"
    }

    /// The OpenAI `finish_reason` of a completion.
    public static func openAIFinishReason(_ completion: SimulatedCompletion) -> String {
        completion.truncated ? "length" : "stop"
    }

    /// A non-streaming `chat.completion` object.
    /// - Parameters:
    ///   - id: The completion id (`chatcmpl-...`).
    ///   - created: Unix seconds.
    ///   - model: The requested model, echoed.
    ///   - completion: The synthesised answer.
    ///   - usage: The full usage.
    public static func openAIChatCompletion(
        id: String,
        created: Int,
        model: String,
        completion: SimulatedCompletion,
        usage: TokenUsage
    ) -> String {
        var out = "{\"id\":\"\(id)\",\"object\":\"chat.completion\",\"created\":\(created),\"model\":"
        out.reserveCapacity(512 + completion.outputTokens * 4)
        out += JSONText.quote(model)
        out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        for piece in completion.pieces { out += piece }
        out += "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\""
        out += openAIFinishReason(completion)
        out += "\"}],\"usage\":"
        out += openAIUsage(usage)
        out += ",\"service_tier\":\"default\",\"system_fingerprint\":\"\(openAISystemFingerprint)\"}"
        return out
    }

    /// A `chat.completion.chunk` stream framed exactly like OpenAI's: a role chunk, one content chunk per
    /// token, a finish chunk, a usage chunk with `"choices":[]` only when `includeUsage`, then `data: [DONE]`.
    /// - Parameters:
    ///   - id: The completion id (`chatcmpl-...`), the same on every chunk.
    ///   - created: Unix seconds.
    ///   - model: The requested model, echoed.
    ///   - completion: The synthesised answer.
    ///   - usage: The full usage, sent only when `includeUsage`.
    ///   - includeUsage: The request's `stream_options.include_usage`.
    public static func openAIChatStream(
        id: String,
        created: Int,
        model: String,
        completion: SimulatedCompletion,
        usage: TokenUsage,
        includeUsage: Bool
    ) -> SimulatedStream {
        let prefix =
            "data: {\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"created\":\(created),\"model\":"
            + JSONText.quote(model) + ",\"system_fingerprint\":\"\(openAISystemFingerprint)\",\"choices\":"
        let head = [
            prefix + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        ]
        let tokenPrefix = prefix + "[{\"index\":0,\"delta\":{\"content\":\""
        let tokenSuffix = "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        var tokens: [String] = []
        tokens.reserveCapacity(completion.pieces.count)
        for piece in completion.pieces {
            tokens.append(tokenPrefix + piece + tokenSuffix)
        }
        var tail = [
            prefix + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"\(openAIFinishReason(completion))\"}]}\n\n"
        ]
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
}
