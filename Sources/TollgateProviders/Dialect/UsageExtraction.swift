public import TollgateCore

/// Usage and served model read from a provider response.
public struct ResponseMetering: Sendable, Hashable {
    /// Normalised usage, if the response reported a well-formed usage object.
    public var usage: TokenUsage?
    /// The model the provider says served the call.
    public var servedModel: String?
    /// UTF-8 bytes of generated output (text, tool-call arguments), for an estimate when usage is missing;
    /// for a body that is not JSON, the body's length.
    public var generatedTextBytes: Int = 0
    /// Whether the body was valid JSON.
    public var readable: Bool = true

    /// Creates a metering result.
    public init(usage: TokenUsage?, servedModel: String?, generatedTextBytes: Int = 0, readable: Bool = true) {
        self.usage = usage
        self.servedModel = servedModel
        self.generatedTextBytes = generatedTextBytes
        self.readable = readable
    }
}

/// A usage count: a non-negative integer, or nil when absent or `null`; malformed when anything else.
enum UsageCount {
    case absent
    case value(Int64)
    case malformed

    init(_ cursor: JSONCursor?) {
        guard let cursor, !cursor.isNull else {
            self = .absent
            return
        }
        if let n = cursor.integer, n >= 0 { self = .value(n) } else { self = .malformed }
    }

    var value: Int64? {
        if case .value(let n) = self { return n }
        return nil
    }

    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }
}

/// OpenAI's `usage` object (chat completions and embeddings; the Responses API names its fields differently).
struct OpenAIUsage {
    var prompt: Int64
    var completion: Int64
    var cacheRead: Int64
    var cacheWrite: Int64
    var reasoning: Int64

    /// Reads a usage object; nil when it is not an object or its counts are not non-negative integers.
    init?(_ usage: JSONCursor?, responses: Bool = false) {
        guard let usage, usage.kind == .object else { return nil }
        let inputKey = responses ? "input_tokens" : "prompt_tokens"
        let outputKey = responses ? "output_tokens" : "completion_tokens"
        let inputDetails = usage[responses ? "input_tokens_details" : "prompt_tokens_details"]
        let outputDetails = usage[responses ? "output_tokens_details" : "completion_tokens_details"]
        let counts = [
            UsageCount(usage[inputKey]), UsageCount(usage[outputKey]), UsageCount(inputDetails?["cached_tokens"]),
            UsageCount(inputDetails?["cache_write_tokens"]), UsageCount(outputDetails?["reasoning_tokens"]),
        ]
        guard let prompt = counts[0].value, !counts.contains(where: \.isMalformed) else { return nil }
        self.prompt = prompt
        completion = counts[1].value ?? 0
        cacheRead = counts[2].value ?? 0
        cacheWrite = counts[3].value ?? 0
        reasoning = counts[4].value ?? 0
    }

    /// Normalised per standards §3.4: uncached = prompt − cache reads − cache writes (never negative).
    var normalised: TokenUsage {
        TokenUsage(
            inputUncached: max(0, prompt - cacheRead - cacheWrite), cacheRead: cacheRead, cacheWrite5m: cacheWrite, output: completion,
            reasoning: min(completion, reasoning))
    }
}

/// Anthropic's `usage` object (message, `message_start` and cumulative `message_delta`).
struct AnthropicUsage {
    var input_tokens: Int64?
    var cache_creation_input_tokens: Int64?
    var cache_read_input_tokens: Int64?
    var ephemeral_1h_input_tokens: Int64?
    var output_tokens: Int64?
    var thinking_tokens: Int64?

    /// Reads a usage object; nil when it is not an object or any count is not a non-negative integer.
    init?(_ usage: JSONCursor?) {
        guard let usage, usage.kind == .object else { return nil }
        let counts = [
            UsageCount(usage["input_tokens"]), UsageCount(usage["cache_creation_input_tokens"]),
            UsageCount(usage["cache_read_input_tokens"]), UsageCount(usage["cache_creation"]?["ephemeral_1h_input_tokens"]),
            UsageCount(usage["output_tokens"]), UsageCount(usage["output_tokens_details"]?["thinking_tokens"]),
        ]
        guard !counts.contains(where: \.isMalformed) else { return nil }
        input_tokens = counts[0].value
        cache_creation_input_tokens = counts[1].value
        cache_read_input_tokens = counts[2].value
        ephemeral_1h_input_tokens = counts[3].value
        output_tokens = counts[4].value
        thinking_tokens = counts[5].value
    }

    /// Overwrites fields present in `delta`, keeping the others (as the official SDK accumulates).
    mutating func merge(_ delta: AnthropicUsage) {
        if let v = delta.input_tokens { input_tokens = v }
        if let v = delta.cache_creation_input_tokens { cache_creation_input_tokens = v }
        if let v = delta.cache_read_input_tokens { cache_read_input_tokens = v }
        if let v = delta.ephemeral_1h_input_tokens { ephemeral_1h_input_tokens = v }
        if let v = delta.output_tokens { output_tokens = v }
        if let v = delta.thinking_tokens { thinking_tokens = v }
    }

    /// Normalised per standards §3.4; writes are split by TTL when the provider says how.
    var normalised: TokenUsage {
        let writes = cache_creation_input_tokens ?? 0
        let oneHour = min(writes, ephemeral_1h_input_tokens ?? 0)
        let output = output_tokens ?? 0
        return TokenUsage(
            inputUncached: input_tokens ?? 0, cacheRead: cache_read_input_tokens ?? 0, cacheWrite5m: writes - oneHour,
            cacheWrite1h: oneHour, output: output, reasoning: min(output, thinking_tokens ?? 0))
    }
}

extension RouteKind {
    /// Reads usage, the served model and the generated text's length from a complete (non-streaming)
    /// response body, parsed as JSON.
    /// - Returns: Metering with `usage == nil` when the body has no well-formed usage object, and
    ///   `readable == false` when it is not JSON at all.
    public func meter(responseBody: some Collection<UInt8>) -> ResponseMetering {
        let bytes = Array(responseBody)
        guard let document = try? JSONDocument(parsing: bytes), document.root.kind == .object else {
            return ResponseMetering(usage: nil, servedModel: nil, generatedTextBytes: bytes.count, readable: false)
        }
        let root = document.root
        let model = root["model"]?.string
        switch self {
        case .chatCompletions, .embeddings:
            let text = (root["choices"]?.elements ?? []).reduce(0) { $0 + GeneratedText.bytes(chatMessage: $1["message"]) }
            return ResponseMetering(usage: OpenAIUsage(root["usage"])?.normalised, servedModel: model, generatedTextBytes: text)
        case .responses:
            return ResponseMetering(
                usage: OpenAIUsage(root["usage"], responses: true)?.normalised, servedModel: model,
                generatedTextBytes: GeneratedText.bytes(responsesOutput: root["output"]))
        case .messages, .countTokens:
            return ResponseMetering(
                usage: AnthropicUsage(root["usage"])?.normalised, servedModel: model,
                generatedTextBytes: GeneratedText.bytes(anthropicContent: root["content"]))
        }
    }
}

/// Bytes of generated output in response bodies and stream events.
enum GeneratedText {
    /// A chat message or stream delta: content, refusal, reasoning and tool-call arguments.
    static func bytes(chatMessage message: JSONCursor?) -> Int {
        guard let message, message.kind == .object else { return 0 }
        var total =
            (message["content"]?.stringByteCount ?? 0) + (message["refusal"]?.stringByteCount ?? 0)
            + (message["reasoning_content"]?.stringByteCount ?? 0)
        for call in message["tool_calls"]?.elements ?? [] {
            total += call["function"]?["arguments"]?.stringByteCount ?? 0
        }
        return total + (message["function_call"]?["arguments"]?.stringByteCount ?? 0)
    }

    /// Anthropic content blocks: text, thinking, and tool inputs as JSON text.
    static func bytes(anthropicContent content: JSONCursor?) -> Int {
        var total = 0
        for block in content?.elements ?? [] {
            total += (block["text"]?.stringByteCount ?? 0) + (block["thinking"]?.stringByteCount ?? 0)
            if let input = block["input"] { total += input.range.count }
        }
        return total
    }

    /// Responses API output items: message text parts, function-call arguments, reasoning summaries.
    static func bytes(responsesOutput output: JSONCursor?) -> Int {
        var total = 0
        for item in output?.elements ?? [] {
            total += PromptText.bytes(item["content"]) + PromptText.bytes(item["summary"]) + (item["arguments"]?.stringByteCount ?? 0)
        }
        return total
    }
}
