#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import TollgateCore

/// Usage and served model read from a provider response.
public struct ResponseMetering: Sendable, Hashable {
    /// Normalised usage, if the response reported any.
    public var usage: TokenUsage?
    /// The model the provider says served the call.
    public var servedModel: String?

    /// Creates a metering result.
    public init(usage: TokenUsage?, servedModel: String?) {
        self.usage = usage
        self.servedModel = servedModel
    }
}

/// OpenAI's `usage` object (chat completions and embeddings).
struct OpenAIUsage: Decodable {
    var prompt_tokens: Int64?
    var completion_tokens: Int64?
    var prompt_tokens_details: PromptDetails?
    var completion_tokens_details: CompletionDetails?

    struct PromptDetails: Decodable {
        var cached_tokens: Int64?
        var cache_write_tokens: Int64?
    }

    struct CompletionDetails: Decodable {
        var reasoning_tokens: Int64?
    }

    /// Normalised per standards §3.4: uncached = prompt − cache reads − cache writes (never negative).
    var normalised: TokenUsage {
        let prompt = prompt_tokens ?? 0
        let read = prompt_tokens_details?.cached_tokens ?? 0
        let write = prompt_tokens_details?.cache_write_tokens ?? 0
        let output = completion_tokens ?? 0
        return TokenUsage(
            inputUncached: max(0, prompt - read - write), cacheRead: read, cacheWrite5m: write, output: output,
            reasoning: min(output, completion_tokens_details?.reasoning_tokens ?? 0)
        )
    }
}

/// Anthropic's `usage` object (message, `message_start` and cumulative `message_delta`).
struct AnthropicUsage: Decodable {
    var input_tokens: Int64?
    var cache_creation_input_tokens: Int64?
    var cache_read_input_tokens: Int64?
    var cache_creation: CacheCreation?
    var output_tokens: Int64?
    var output_tokens_details: OutputDetails?

    struct CacheCreation: Decodable {
        var ephemeral_5m_input_tokens: Int64?
        var ephemeral_1h_input_tokens: Int64?
    }

    struct OutputDetails: Decodable {
        var thinking_tokens: Int64?
    }

    /// Overwrites fields present in `delta`, keeping the others (as the official SDK accumulates).
    mutating func merge(_ delta: AnthropicUsage) {
        if let v = delta.input_tokens { input_tokens = v }
        if let v = delta.cache_creation_input_tokens { cache_creation_input_tokens = v }
        if let v = delta.cache_read_input_tokens { cache_read_input_tokens = v }
        if let v = delta.cache_creation { cache_creation = v }
        if let v = delta.output_tokens { output_tokens = v }
        if let v = delta.output_tokens_details { output_tokens_details = v }
    }

    /// Normalised per standards §3.4; writes are split by TTL when the provider says how.
    var normalised: TokenUsage {
        let writes = cache_creation_input_tokens ?? 0
        let oneHour = min(writes, cache_creation?.ephemeral_1h_input_tokens ?? 0)
        let output = output_tokens ?? 0
        return TokenUsage(
            inputUncached: input_tokens ?? 0, cacheRead: cache_read_input_tokens ?? 0, cacheWrite5m: writes - oneHour,
            cacheWrite1h: oneHour, output: output, reasoning: min(output, output_tokens_details?.thinking_tokens ?? 0)
        )
    }
}

extension RouteKind {
    /// Reads usage and the served model from a complete (non-streaming) response body.
    /// - Returns: Metering with `usage == nil` when the body has no usable usage object.
    public func meter(responseBody: Data) -> ResponseMetering {
        switch dialect {
        case .openai:
            struct Body: Decodable {
                var model: String?
                var usage: OpenAIUsage?
            }
            guard let body = try? JSONDecoder().decode(Body.self, from: responseBody) else { return .init(usage: nil, servedModel: nil) }
            return .init(usage: body.usage?.normalised, servedModel: body.model)
        case .anthropic:
            struct Body: Decodable {
                var model: String?
                var usage: AnthropicUsage?
            }
            guard let body = try? JSONDecoder().decode(Body.self, from: responseBody) else { return .init(usage: nil, servedModel: nil) }
            return .init(usage: body.usage?.normalised, servedModel: body.model)
        }
    }
}
