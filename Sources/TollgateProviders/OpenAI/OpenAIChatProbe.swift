#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TollgateCore

/// Reads an OpenAI chat completions request.
enum OpenAIChatProbe {
    struct Body: Decodable {
        var model: String
        var messages: [Message]
        var stream: Bool?
        var stream_options: StreamOptions?
        var max_tokens: Int?
        var max_completion_tokens: Int?
        var n: Int?
    }

    struct Message: Decodable {
        var role: String
        var content: TextContent?
    }

    struct StreamOptions: Decodable {
        var include_usage: Bool?
    }

    static func probe(_ bytes: [UInt8]) throws(RequestError) -> RequestProbe {
        if let fast = fastProbe(bytes) { return fast }
        return try decodedProbe(Data(bytes))
    }

    /// Reads the request with the full decoder, naming the first problem precisely.
    static func decodedProbe(_ data: Data) throws(RequestError) -> RequestProbe {
        let body = try decodeRequest(Body.self, from: data)
        if body.model.isEmpty { throw .missing("model") }
        if body.messages.isEmpty {
            throw RequestError(status: 400, message: "'messages' must contain at least one message.", code: "invalid_value", param: "messages")
        }
        if let n = body.n, n < 1 || n > 128 {
            throw RequestError(status: 400, message: "'n' must be between 1 and 128.", code: "invalid_value", param: "n")
        }
        let bytes = body.messages.reduce(0) { $0 + ($1.content?.byteCount ?? 0) }
        return RequestProbe(
            model: body.model,
            stream: body.stream ?? false,
            clientRequestedStreamUsage: body.stream_options?.include_usage ?? false,
            hasStreamOptions: body.stream_options != nil,
            maxTokens: body.max_completion_tokens ?? body.max_tokens,
            estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes),
            choices: body.n ?? 1
        )
    }
}

extension OpenAIChatProbe {
    /// Reads a well-formed request by scanning its top-level fields; nil sends the body to the
    /// full decoder, which names the exact problem.
    static func fastProbe(_ b: [UInt8]) -> RequestProbe? {
        let fields = JSONScan.topLevelFields(b, ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n"])
        guard let modelRange = fields["model"], let model = JSONScan.string(b[modelRange]), !model.isEmpty,
            let messagesRange = fields["messages"], b[messagesRange.lowerBound] == UInt8(ascii: "["),
            b[messagesRange].contains(UInt8(ascii: "{"))
        else { return nil }
        var stream = false
        if let range = fields["stream"], !b[range].elementsEqual("null".utf8) {
            guard let value = JSONScan.boolean(b[range]) else { return nil }
            stream = value
        }
        var includeUsage = false
        let hasOptions = fields["stream_options"].map { !b[$0].elementsEqual("null".utf8) } ?? false
        if hasOptions, let range = fields["stream_options"] {
            let inner = Array(b[range])
            guard inner.first == UInt8(ascii: "{") else { return nil }
            if let value = JSONScan.topLevelFields(inner, ["include_usage"])["include_usage"] {
                guard let flag = JSONScan.boolean(inner[value]) else { return nil }
                includeUsage = flag
            }
        }
        var maxTokens: Int?
        for key in ["max_completion_tokens", "max_tokens"] where maxTokens == nil {
            guard let range = fields[key], !b[range].elementsEqual("null".utf8) else { continue }
            guard let value = JSONScan.integer(b[range]) else { return nil }
            maxTokens = Int(value)
        }
        var choices = 1
        if let range = fields["n"], !b[range].elementsEqual("null".utf8) {
            guard let value = JSONScan.integer(b[range]), value >= 1, value <= 128 else { return nil }
            choices = Int(value)
        }
        let messages = b[messagesRange]
        let bytes = messages.stringValueBytes(after: Self.contentKey) + messages.stringValueBytes(after: Self.textKey)
        return RequestProbe(
            model: model, stream: stream, clientRequestedStreamUsage: includeUsage, hasStreamOptions: hasOptions,
            maxTokens: maxTokens, estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes), choices: choices)
    }

    static let contentKey: [UInt8] = Array("\"content\":\"".utf8)
    static let textKey: [UInt8] = Array("\"text\":\"".utf8)
}

/// Reads an OpenAI embeddings request.
enum OpenAIEmbeddingsProbe {
    struct Body: Decodable {
        var model: String
        var input: Input
    }

    /// `input` as a string, strings, token ids, or arrays of token ids.
    struct Input: Decodable {
        var tokens: Int64
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) {
                tokens = TokenEstimator.tokens(in: text)
            } else if let texts = try? c.decode([String].self) {
                tokens = texts.reduce(0) { $0 + TokenEstimator.tokens(in: $1) }
            } else if let ids = try? c.decode([Int].self) {
                tokens = Int64(ids.count)
            } else if let batches = try? c.decode([[Int]].self) {
                tokens = batches.reduce(0) { $0 + Int64($1.count) }
            } else {
                throw DecodingError.typeMismatch(
                    [String].self, .init(codingPath: decoder.codingPath, debugDescription: "string, array of strings, or token arrays"))
            }
        }
    }

    static func probe(_ data: Data) throws(RequestError) -> RequestProbe {
        let body = try decodeRequest(Body.self, from: data)
        if body.model.isEmpty { throw .missing("model") }
        return RequestProbe(
            model: body.model, stream: false, clientRequestedStreamUsage: false, hasStreamOptions: false, maxTokens: nil,
            estimatedInputTokens: body.input.tokens
        )
    }
}
