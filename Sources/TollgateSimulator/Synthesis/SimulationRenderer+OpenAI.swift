public import TollgateCore
import TollgateProviders

/// Renders simulated answers as the exact JSON and SSE text the real providers send.
///
/// Everything is written by hand (no encoder) on the request path. Strings are escaped with
/// ``JSONText/quote(_:)``, which passes the synthetic text through unchanged and escapes replayed text.
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

    /// The OpenAI `finish_reason` of a completion: `length` when capped, `tool_calls` for a tool call, else `stop`.
    public static func openAIFinishReason(_ completion: SimulatedCompletion) -> String {
        if completion.truncated { return "length" }
        return completion.toolName == nil ? "stop" : "tool_calls"
    }

    /// The id of a choice's OpenAI tool call (`call_` and 24 hex digits, stable for a prompt).
    public static func openAIToolCallID(_ completion: SimulatedCompletion) -> String {
        "call_" + completion.toolCallSuffix
    }

    /// A non-streaming `chat.completion` object with one entry in `choices` per completion.
    /// - Parameters:
    ///   - id: The completion id (`chatcmpl-...`).
    ///   - created: Unix seconds.
    ///   - model: The requested model, echoed.
    ///   - choices: The synthesised answers, one per requested choice (`n`).
    ///   - usage: The full usage (output summed over the choices).
    public static func openAIChatCompletion(
        id: String,
        created: Int,
        model: String,
        choices: [SimulatedCompletion],
        usage: TokenUsage
    ) -> String {
        var out = "{\"id\":\"\(id)\",\"object\":\"chat.completion\",\"created\":\(created),\"model\":"
        out.reserveCapacity(512 + choices.reduce(0) { $0 + 200 + $1.outputTokens * 4 })
        out += JSONText.quote(model)
        out += ",\"choices\":["
        for (position, choice) in choices.enumerated() {
            if position > 0 { out += "," }
            out += "{\"index\":\(choice.index),\"message\":{\"role\":\"assistant\",\"content\":"
            if let name = choice.toolName {
                out += "null,\"tool_calls\":[{\"id\":\"\(openAIToolCallID(choice))\",\"type\":\"function\",\"function\":{\"name\":"
                out += JSONText.quote(name) + ",\"arguments\":" + JSONText.quote(choice.text) + "}}]"
            } else {
                out += JSONText.quote(choice.text)
            }
            out += ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\""
            out += openAIFinishReason(choice) + "\"}"
        }
        out += "],\"usage\":"
        out += openAIUsage(usage)
        out += ",\"service_tier\":\"default\",\"system_fingerprint\":\"\(openAISystemFingerprint)\"}"
        return out
    }
}
