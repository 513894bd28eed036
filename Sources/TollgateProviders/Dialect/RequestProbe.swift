import TollgateCore

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What the gateway needs to know about a request body, read once (as JSON, with full validation)
/// without changing it.
public struct RequestProbe: Sendable, Hashable {
    /// The model the caller asked for.
    public var model: String
    /// Whether the caller asked for a stream.
    public var stream: Bool
    /// Whether the caller itself asked for usage in the stream (OpenAI `stream_options.include_usage`).
    public var clientRequestedStreamUsage: Bool
    /// Whether the body has a `stream_options` object (not `null`).
    public var hasStreamOptions: Bool
    /// The caller's output cap, if any.
    public var maxTokens: Int?
    /// Input tokens estimated from the prompt text.
    public var estimatedInputTokens: Int64
    /// Completions asked for (OpenAI `n`), which multiplies output; 1 by default.
    public var choices: Int = 1
    /// The end user the SDK caller named in the body (OpenAI `user`, Anthropic `metadata.user_id`).
    public var user: String? = nil
}

/// The kind of call a route makes.
public enum RouteKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI chat completions.
    case chatCompletions = "chat.completions"
    /// OpenAI embeddings.
    case embeddings
    /// OpenAI responses.
    case responses
    /// Anthropic messages.
    case messages
    /// Anthropic token counting: forwarded, attributed and recorded, never billed.
    case countTokens = "messages.count_tokens"

    /// The route's dialect.
    public var dialect: Dialect {
        switch self {
        case .messages, .countTokens: .anthropic
        case .chatCompletions, .embeddings, .responses: .openai
        }
    }

    /// The path appended to a provider's base URL.
    public var upstreamPath: String {
        switch self {
        case .chatCompletions: "/chat/completions"
        case .embeddings: "/embeddings"
        case .responses: "/responses"
        case .messages: "/v1/messages"
        case .countTokens: "/v1/messages/count_tokens"
        }
    }

    /// Whether the route's calls produce output tokens (and so take an output cap).
    public var hasOutput: Bool { self != .embeddings && self != .countTokens }

    /// The body fields that cap output, in the order the gateway reads them.
    public var maxTokensKeys: [String] {
        switch self {
        case .chatCompletions: ["max_completion_tokens", "max_tokens"]
        case .responses: ["max_output_tokens"]
        case .messages: ["max_tokens"]
        case .embeddings, .countTokens: []
        }
    }

    /// Reads and validates a request body for this route.
    /// - Throws: ``RequestError`` describing the first problem found.
    public func probe(_ body: Data) throws(RequestError) -> RequestProbe {
        try probe(bytes: [UInt8](body))
    }

    /// Reads and validates a request body given as bytes: it must be valid JSON (RFC 8259), an
    /// object, with every field the gateway acts on of its documented type and range, and none of
    /// them repeated.
    /// - Throws: ``RequestError`` describing the first problem found.
    public func probe(bytes body: [UInt8]) throws(RequestError) -> RequestProbe {
        let document: JSONDocument
        do {
            document = try JSONDocument(parsing: body)
        } catch {
            throw .malformedJSON("\(error.reason) (byte \(error.offset))")
        }
        guard document.root.kind == .object else {
            throw .malformedJSON("the body must be a JSON object, not \(document.root.kind)")
        }
        let fields = RequestFields(document.root)
        switch self {
        case .chatCompletions: return try OpenAIChatProbe.probe(fields)
        case .embeddings: return try OpenAIEmbeddingsProbe.probe(fields)
        case .responses: return try OpenAIResponsesProbe.probe(fields)
        case .messages: return try AnthropicMessagesProbe.probe(fields, requireMaxTokens: true)
        case .countTokens: return try AnthropicMessagesProbe.probe(fields, requireMaxTokens: false)
        }
    }
}
