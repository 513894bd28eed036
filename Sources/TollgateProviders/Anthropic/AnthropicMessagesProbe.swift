import TollgateCore

/// Reads an Anthropic messages request (and a token-counting request, which has no `max_tokens`).
enum AnthropicMessagesProbe {
    static let actedOn: Set<String> = ["model", "messages", "max_tokens", "stream", "system", "metadata"]

    static func probe(_ body: RequestFields, requireMaxTokens: Bool) throws(RequestError) -> RequestProbe {
        try body.refuseRepeated(actedOn)
        let model = try body.requiredString("model")
        let messages = try body.requiredArray("messages")
        var bytes = 0
        if let system = body.value("system") {
            guard system.kind == .string || system.kind == .array else {
                throw .invalidType("system", expected: "a string or an array of text blocks")
            }
            bytes += PromptText.bytes(system)
        }
        for (i, message) in messages.enumerated() {
            let path = "messages.\(i)"
            guard message.kind == .object else { throw .invalidType(path, expected: "an object") }
            let fields = RequestFields(message, path: path)
            _ = try fields.requiredString("role")
            guard let content = fields.value("content") else { throw .missing(fields.name("content")) }
            guard content.kind == .string || content.kind == .array else {
                throw .invalidType(fields.name("content"), expected: "a string or an array of content blocks")
            }
            bytes += PromptText.bytes(content)
        }
        var maxTokens: Int?
        if requireMaxTokens {
            guard body.value("max_tokens") != nil else { throw .missing("max_tokens") }
            maxTokens = try body.integer("max_tokens", in: RequestFields.maxOutputTokens)
        }
        var user: String?
        if let metadata = try body.object("metadata") {
            try metadata.refuseRepeated(["user_id"])
            user = try metadata.string("user_id")
        }
        return RequestProbe(
            model: model, stream: try body.bool("stream") ?? false, clientRequestedStreamUsage: false, hasStreamOptions: false,
            maxTokens: maxTokens, estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes), user: user)
    }
}
