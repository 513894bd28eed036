public import TollgateCore
import TollgateProviders

/// What the Responses API echoes back besides the answer: the ids and the request's settings.
public struct SimulatedResponseHeader: Sendable, Hashable {
    /// The response id (`resp_...`).
    public var id: String
    /// The output message id (`msg_...`).
    public var messageID: String
    /// Unix seconds.
    public var createdAt: Int
    /// The requested model, echoed.
    public var model: String
    /// The request's `instructions`, echoed.
    public var instructions: String?
    /// The request's `max_output_tokens`, echoed.
    public var maxOutputTokens: Int?

    /// Creates the echoed part of a response.
    /// - Parameters:
    ///   - id: The response id (`resp_...`).
    ///   - messageID: The output message id (`msg_...`).
    ///   - createdAt: Unix seconds.
    ///   - prompt: The parsed request (model, instructions and cap are echoed from it).
    public init(id: String, messageID: String, createdAt: Int, prompt: SimulatedPrompt) {
        self.id = id
        self.messageID = messageID
        self.createdAt = createdAt
        model = prompt.model
        instructions = prompt.instructions
        maxOutputTokens = prompt.maxTokens
    }
}

extension SimulationRenderer {
    /// A Responses API `usage` object:
    /// `{"input_tokens","input_tokens_details":{"cached_tokens","cache_write_tokens"},"output_tokens",
    /// "output_tokens_details":{"reasoning_tokens"},"total_tokens"}` (`cache_write_tokens` is required by the
    /// official SDK's `ResponseUsage`; OpenAI prompt caching writes nothing billable, so it is 0 here).
    /// - Parameter usage: Input (cached reads in ``TokenUsage/cacheRead``) and output (reasoning included).
    public static func openAIResponsesUsage(_ usage: TokenUsage) -> String {
        let input = usage.inputTotal
        return "{\"input_tokens\":\(input),\"input_tokens_details\":{\"cached_tokens\":\(usage.cacheRead),"
            + "\"cache_write_tokens\":\(usage.cacheWrite)},"
            + "\"output_tokens\":\(usage.output),\"output_tokens_details\":{\"reasoning_tokens\":\(usage.reasoning)},"
            + "\"total_tokens\":\(input + usage.output)}"
    }

    /// A non-streaming Responses API `response` object: `status` `completed` (or `incomplete` with
    /// `incomplete_details.reason` `max_output_tokens` when capped), one assistant `message` output item
    /// holding one `output_text` part, and the usage.
    /// - Parameters:
    ///   - header: Ids and echoed request settings.
    ///   - completion: The synthesised answer (text; a tool call's arguments would be shown as text).
    ///   - usage: The full usage.
    public static func openAIResponse(_ header: SimulatedResponseHeader, completion: SimulatedCompletion, usage: TokenUsage) -> String {
        let status = completion.truncated ? "incomplete" : "completed"
        let item = openAIResponseMessage(header, status: status, text: completion.text)
        return openAIResponseObject(header, status: status, output: "[" + item + "]", usage: openAIResponsesUsage(usage))
    }

    /// The `response` object in any state.
    /// - Parameters:
    ///   - header: Ids and echoed request settings.
    ///   - status: `in_progress`, `completed`, `incomplete` or `failed`.
    ///   - output: The JSON array of output items.
    ///   - usage: The JSON usage object, or `null` while in progress.
    static func openAIResponseObject(_ header: SimulatedResponseHeader, status: String, output: String, usage: String) -> String {
        var out = "{\"id\":\"\(header.id)\",\"object\":\"response\",\"created_at\":\(header.createdAt),\"status\":\"\(status)\""
        out += ",\"background\":false,\"error\":null,\"incomplete_details\":"
        out += status == "incomplete" ? "{\"reason\":\"max_output_tokens\"}" : "null"
        out += ",\"instructions\":" + (header.instructions.map(JSONText.quote) ?? "null")
        out += ",\"max_output_tokens\":" + (header.maxOutputTokens.map(String.init) ?? "null")
        out += ",\"model\":" + JSONText.quote(header.model) + ",\"output\":" + output
        out += ",\"parallel_tool_calls\":true,\"previous_response_id\":null,\"reasoning\":{\"effort\":null,\"summary\":null}"
        out += ",\"service_tier\":\"default\",\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}}"
        out += ",\"tool_choice\":\"auto\",\"tools\":[],\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":" + usage
        out += ",\"user\":null,\"metadata\":{}}"
        return out
    }

    /// The assistant `message` output item; `in_progress` items have no content yet.
    static func openAIResponseMessage(_ header: SimulatedResponseHeader, status: String, text: String) -> String {
        let content = status == "in_progress" ? "[]" : "[" + openAIResponseTextPart(text) + "]"
        return "{\"type\":\"message\",\"id\":\"\(header.messageID)\",\"status\":\"\(status)\",\"role\":\"assistant\",\"content\":\(content)}"
    }

    /// An `output_text` content part.
    static func openAIResponseTextPart(_ text: String) -> String {
        "{\"type\":\"output_text\",\"text\":" + JSONText.quote(text) + ",\"annotations\":[],\"logprobs\":[]}"
    }
}
