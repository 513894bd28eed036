#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TollgateCore

/// Reads an Anthropic messages request.
enum AnthropicMessagesProbe {
    struct Body: Decodable {
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var stream: Bool?
        var system: TextContent?
    }

    struct Message: Decodable {
        var role: String
        var content: TextContent
    }

    static func probe(_ data: Data) throws(RequestError) -> RequestProbe {
        let body = try decodeRequest(Body.self, from: data)
        if body.model.isEmpty { throw .missing("model") }
        if body.messages.isEmpty {
            throw RequestError(status: 400, message: "messages: at least one message is required", param: "messages")
        }
        if body.max_tokens < 1 {
            throw RequestError(status: 400, message: "max_tokens: must be greater than or equal to 1", param: "max_tokens")
        }
        let bytes = body.messages.reduce(body.system?.byteCount ?? 0) { $0 + $1.content.byteCount }
        return RequestProbe(
            model: body.model, stream: body.stream ?? false, clientRequestedStreamUsage: false, hasStreamOptions: false,
            maxTokens: body.max_tokens, estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes)
        )
    }
}
