import TollgateCore

/// Reads an OpenAI chat completions request.
enum OpenAIChatProbe {
    /// The top-level fields the gateway acts on; none may repeat.
    static let actedOn: Set<String> = ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n", "user"]

    static func probe(_ body: RequestFields) throws(RequestError) -> RequestProbe {
        try body.refuseRepeated(actedOn)
        let model = try body.requiredString("model")
        let messages = try body.requiredArray("messages")
        var bytes = 0
        for (i, message) in messages.enumerated() {
            bytes += try messageTextBytes(message, path: "messages[\(i)]")
        }
        let stream = try body.bool("stream") ?? false
        var includeUsage = false
        let options = try body.object("stream_options")
        if let options {
            try options.refuseRepeated(["include_usage"])
            includeUsage = try options.bool("include_usage") ?? false
        }
        let maxCompletion = try body.integer("max_completion_tokens", in: RequestFields.maxOutputTokens)
        let maxTokens = try body.integer("max_tokens", in: RequestFields.maxOutputTokens)
        let n = try body.integer("n", in: 1...128) ?? 1
        return RequestProbe(
            model: model, stream: stream, clientRequestedStreamUsage: includeUsage, hasStreamOptions: options != nil,
            maxTokens: maxCompletion ?? maxTokens, estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes), choices: n,
            user: try body.string("user"))
    }

    /// Validates one message and returns the bytes of its prompt text (content and tool-call arguments).
    static func messageTextBytes(_ message: JSONCursor, path: String) throws(RequestError) -> Int {
        guard message.kind == .object else { throw .invalidType(path, expected: "an object") }
        let fields = RequestFields(message, path: path)
        _ = try fields.requiredString("role")
        if let content = fields.value("content"), content.kind != .string, content.kind != .array {
            throw .invalidType(fields.name("content"), expected: "a string or an array of content parts")
        }
        return promptTextBytes(message)
    }

    /// The bytes of a message's prompt text, as the input estimate counts them: its content's text and
    /// its tool calls' arguments (the context budget measures with this too, so "fits" means the same).
    static func promptTextBytes(_ message: JSONCursor) -> Int {
        var bytes = PromptText.bytes(message["content"])
        for call in message["tool_calls"]?.elements ?? [] {
            bytes += call["function"]?["arguments"]?.stringByteCount ?? 0
        }
        return bytes
    }
}

/// Reads an OpenAI embeddings request.
enum OpenAIEmbeddingsProbe {
    static func probe(_ body: RequestFields) throws(RequestError) -> RequestProbe {
        try body.refuseRepeated(["model", "input", "user"])
        let model = try body.requiredString("model")
        guard let input = body.value("input") else { throw .missing("input") }
        return RequestProbe(
            model: model, stream: false, clientRequestedStreamUsage: false, hasStreamOptions: false, maxTokens: nil,
            estimatedInputTokens: try tokens(input), user: try body.string("user"))
    }

    /// `input` as a string, strings, token ids, or arrays of token ids.
    static func tokens(_ input: JSONCursor) throws(RequestError) -> Int64 {
        let expected = "a string, an array of strings, or an array of token arrays"
        switch input.kind {
        case .string:
            return TokenEstimator.tokens(byteCount: input.stringByteCount ?? 0)
        case .array:
            var total: Int64 = 0
            for element in input.elements {
                switch element.kind {
                case .string: total += TokenEstimator.tokens(byteCount: element.stringByteCount ?? 0)
                case .number: total += 1
                case .array: total += Int64(element.elements.count)
                default: throw .invalidType("input", expected: expected)
                }
            }
            return total
        default:
            throw .invalidType("input", expected: expected)
        }
    }
}

/// Reads an OpenAI responses request.
enum OpenAIResponsesProbe {
    static let actedOn: Set<String> = ["model", "input", "instructions", "stream", "max_output_tokens", "user"]

    static func probe(_ body: RequestFields) throws(RequestError) -> RequestProbe {
        try body.refuseRepeated(actedOn)
        let model = try body.requiredString("model")
        var bytes = try body.string("instructions")?.utf8.count ?? 0
        if let input = body.value("input") {
            switch input.kind {
            case .string:
                bytes += input.stringByteCount ?? 0
            case .array:
                for (i, item) in input.elements.enumerated() {
                    guard item.kind == .object else { throw .invalidType("input[\(i)]", expected: "an object") }
                    bytes +=
                        PromptText.bytes(item["content"]) + (item["output"]?.stringByteCount ?? 0)
                        + (item["arguments"]?.stringByteCount ?? 0)
                }
            default:
                throw .invalidType("input", expected: "a string or an array of input items")
            }
        }
        return RequestProbe(
            model: model, stream: try body.bool("stream") ?? false, clientRequestedStreamUsage: false, hasStreamOptions: false,
            maxTokens: try body.integer("max_output_tokens", in: RequestFields.maxOutputTokens),
            estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes), user: try body.string("user"))
    }
}
