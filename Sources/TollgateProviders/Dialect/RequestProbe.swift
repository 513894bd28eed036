public import TollgateCore
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What the gateway needs to know about a request body, read once without changing it.
public struct RequestProbe: Sendable, Hashable {
    /// The model the caller asked for.
    public var model: String
    /// Whether the caller asked for a stream.
    public var stream: Bool
    /// Whether the caller itself asked for usage in the stream (OpenAI `stream_options.include_usage`).
    public var clientRequestedStreamUsage: Bool
    /// Whether the body has a `stream_options` object at all.
    public var hasStreamOptions: Bool
    /// The caller's output cap, if any.
    public var maxTokens: Int?
    /// Input tokens estimated from the prompt text.
    public var estimatedInputTokens: Int64
    /// Completions asked for (OpenAI `n`), which multiplies output; 1 by default.
    public var choices: Int = 1
}

/// The kind of call a route makes.
public enum RouteKind: String, Sendable, Hashable, Codable {
    /// OpenAI chat completions.
    case chatCompletions = "chat.completions"
    /// OpenAI embeddings.
    case embeddings
    /// Anthropic messages.
    case messages

    /// The route's dialect.
    public var dialect: Dialect { self == .messages ? .anthropic : .openai }

    /// The path appended to a provider's base URL.
    public var upstreamPath: String {
        switch self {
        case .chatCompletions: "/chat/completions"
        case .embeddings: "/embeddings"
        case .messages: "/v1/messages"
        }
    }

    /// Reads and validates a request body for this route.
    /// - Throws: ``RequestError`` (status 400) describing the first problem found.
    public func probe(_ body: Data) throws(RequestError) -> RequestProbe {
        try probe(bytes: [UInt8](body))
    }

    /// Reads and validates a request body given as bytes (no copy on the fast path).
    /// - Throws: ``RequestError`` (status 400) describing the first problem found.
    public func probe(bytes body: [UInt8]) throws(RequestError) -> RequestProbe {
        switch self {
        case .chatCompletions: try OpenAIChatProbe.probe(body)
        case .embeddings: try OpenAIEmbeddingsProbe.probe(Data(body))
        case .messages: try AnthropicMessagesProbe.probe(Data(body))
        }
    }
}

/// Decodes a request body, mapping any failure to the caller-facing error.
func decodeRequest<Body: Decodable>(_ type: Body.Type, from data: Data) throws(RequestError) -> Body {
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch {
        throw requestError(from: error)
    }
}

/// Maps a decoding failure to the caller-facing error.
func requestError(from error: any Error) -> RequestError {
    guard let error = error as? DecodingError else { return .malformedJSON("\(error)") }
    switch error {
    case .keyNotFound(let key, let context):
        return .missing(path(context.codingPath + [key]))
    case .typeMismatch(let type, let context):
        return .invalidType(path(context.codingPath), expected: describe(type))
    case .valueNotFound(let type, let context):
        return .invalidType(path(context.codingPath), expected: describe(type))
    case .dataCorrupted(let context):
        if context.codingPath.isEmpty { return .malformedJSON("the body is not valid JSON") }
        return .invalidType(path(context.codingPath), expected: context.debugDescription)
    @unknown default:
        return .malformedJSON("the body could not be read")
    }
}

private func path(_ keys: [any CodingKey]) -> String {
    CodingPathText.format(keys)
}

private func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Bool.Type: "a boolean"
    case is Int.Type, is Int64.Type: "an integer"
    case is [Any].Type: "an array"
    default: "a value of the documented type"
    }
}

/// Text content that is a string or an array of typed parts (`{"type":"text","text":...}`).
struct TextContent: Decodable {
    var byteCount: Int

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            byteCount = 0
        } else if let text = try? single.decode(String.self) {
            byteCount = text.utf8.count
        } else if let parts = try? single.decode([Part].self) {
            byteCount = parts.reduce(0) { $0 + $1.byteCount }
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "string or array of parts"))
        }
    }

    struct Part: Decodable {
        var byteCount: Int
        enum CodingKeys: String, CodingKey { case text }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            byteCount = (try? c.decodeIfPresent(String.self, forKey: .text))??.utf8.count ?? 0
        }
    }
}
