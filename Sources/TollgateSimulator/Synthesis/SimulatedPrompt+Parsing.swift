import TollgateProviders

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SimulatedPrompt {
    /// Parses an OpenAI Chat Completions request body (`POST /v1/chat/completions`).
    ///
    /// Reads `n` (1...128) into ``choiceCount`` and `tools` / `tool_choice` into ``toolName``.
    /// - Parameter json: The request body.
    /// - Returns: The prompt, with one cache breakpoint after every message.
    /// - Throws: ``SimulationInputError`` for malformed JSON, a missing `model`, missing/empty `messages`,
    ///   or `max_tokens` / `n` out of range.
    public static func openAIChat(json: some Sequence<UInt8>) throws(SimulationInputError) -> SimulatedPrompt {
        let body: SimulationWire.OpenAIChatBody = try SimulationWire.decode(json)
        guard let model = body.model, !model.isEmpty else {
            throw SimulationInputError("you must provide a model parameter", param: "model")
        }
        guard let messages = body.messages else {
            throw SimulationInputError("Missing required parameter: 'messages'.", param: "messages")
        }
        guard !messages.isEmpty else {
            throw SimulationInputError("Invalid 'messages': empty array. Expected an array with minimum length 1.", param: "messages")
        }
        var accumulator = SimulatedPromptAccumulator()
        accumulator.breakpoints.reserveCapacity(messages.count)
        for message in messages {
            message.content?.addText(to: &accumulator)
            accumulator.markBreakpoint()
        }
        let maxTokens = body.max_completion_tokens ?? body.max_tokens
        if let maxTokens, maxTokens < 1 {
            throw SimulationInputError("Invalid 'max_tokens': integer below minimum value. Expected a value >= 1.", param: "max_tokens")
        }
        let choices = body.n ?? 1
        if choices < 1 || choices > 128 {
            let bound = choices < 1 ? "below minimum value. Expected a value >= 1" : "above maximum value. Expected a value <= 128"
            throw SimulationInputError("Invalid 'n': integer \(bound), but got \(choices) instead.", param: "n")
        }
        let stream = body.stream ?? false
        return SimulatedPrompt(
            dialect: .openai,
            model: model,
            stream: stream,
            includeUsage: stream && (body.stream_options?.include_usage ?? false),
            maxTokens: maxTokens,
            inputTokens: accumulator.tokens,
            textHash: accumulator.hasher.value,
            cacheBreakpoints: accumulator.breakpoints,
            directives: accumulator.directives,
            choiceCount: choices,
            toolName: SimulationWire.toolToCall(tools: body.tools, choice: body.tool_choice)
        )
    }

    /// Parses an Anthropic Messages request body (`POST /v1/messages`).
    ///
    /// `max_tokens` is optional here (Anthropic requires it; the simulator then simply does not cap).
    /// `tools` / `tool_choice` are read into ``toolName``.
    /// - Parameter json: The request body.
    /// - Returns: The prompt, with one cache breakpoint after every block that carries `cache_control`.
    /// - Throws: ``SimulationInputError`` for malformed JSON, a missing `model` or missing/empty `messages`.
    public static func anthropicMessages(json: some Sequence<UInt8>) throws(SimulationInputError) -> SimulatedPrompt {
        let body: SimulationWire.AnthropicBody = try SimulationWire.decode(json)
        guard let model = body.model, !model.isEmpty else {
            throw SimulationInputError("model: Field required", param: "model")
        }
        guard let messages = body.messages else {
            throw SimulationInputError("messages: Field required", param: "messages")
        }
        guard !messages.isEmpty else {
            throw SimulationInputError("messages: at least one message is required", param: "messages")
        }
        if let maxTokens = body.max_tokens, maxTokens < 1 {
            throw SimulationInputError("max_tokens: Input should be greater than or equal to 1", param: "max_tokens")
        }
        var accumulator = SimulatedPromptAccumulator()
        body.system?.addText(to: &accumulator)
        for message in messages {
            message.content?.addText(to: &accumulator)
        }
        return SimulatedPrompt(
            dialect: .anthropic,
            model: model,
            stream: body.stream ?? false,
            includeUsage: false,
            maxTokens: body.max_tokens,
            inputTokens: accumulator.tokens,
            textHash: accumulator.hasher.value,
            cacheBreakpoints: accumulator.breakpoints,
            directives: accumulator.directives,
            toolName: SimulationWire.toolToCall(tools: body.tools, choice: body.tool_choice)
        )
    }

    /// Counts the input tokens of an Anthropic Messages body (`POST /v1/messages/count_tokens`).
    /// - Parameter json: The request body.
    /// - Returns: The prompt's input tokens (cache state is not consulted).
    /// - Throws: ``SimulationInputError`` when the body is not a valid Messages request.
    public static func anthropicTokenCount(json: some Sequence<UInt8>) throws(SimulationInputError) -> Int64 {
        try anthropicMessages(json: json).inputTokens
    }
}

extension [any CodingKey] {
    fileprivate var dottedPath: String {
        var path = ""
        for key in self {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                if !path.isEmpty { path += "." }
                path += key.stringValue
            }
        }
        return path
    }
}

// MARK: - Wire shapes (only the fields the simulator reads)

/// The request shapes the simulator decodes (only the fields it reads), namespaced to stay out of the codecs' way.
enum SimulationWire {
    /// Decodes a JSON body, turning every decoding failure into a ``SimulationInputError``.
    ///
    /// A key repeated in one object takes its last value (see ``SimulationDuplicateKeys``).
    static func decode<Body: Decodable>(_ json: some Sequence<UInt8>) throws(SimulationInputError) -> Body {
        let bytes = Array(json)
        let data = Data(SimulationDuplicateKeys.lastWins(bytes) ?? bytes)
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw SimulationInputError("Invalid type for '\(context.codingPath.dottedPath)'.", param: context.codingPath.dottedPath)
        } catch let DecodingError.valueNotFound(_, context) {
            throw SimulationInputError("Invalid value for '\(context.codingPath.dottedPath)'.", param: context.codingPath.dottedPath)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).dottedPath
            throw SimulationInputError("Missing required parameter: '\(path)'.", param: path)
        } catch {
            throw SimulationInputError(
                "We could not parse the JSON body of your request. The simulator expects a JSON payload."
            )
        }
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct OpenAIChatBody: Decodable {
        struct StreamOptions: Decodable {
            var include_usage: Bool?
        }
        var model: String?
        var messages: [OpenAIMessage]?
        var stream: Bool?
        var stream_options: StreamOptions?
        var max_tokens: Int?
        var max_completion_tokens: Int?
        var n: Int?
        var tools: [Tool]?
        var tool_choice: ToolChoice?
    }

    struct OpenAIMessage: Decodable {
        var content: OpenAIContent?
    }

    /// OpenAI message content: a string or an array of parts (only `text` parts carry text).
    enum OpenAIContent: Decodable {
        struct Part: Decodable {
            var text: String?
        }

        case text(String)
        case parts([Part])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .parts(try container.decode([Part].self))
            }
        }

        func addText(to accumulator: inout SimulatedPromptAccumulator) {
            switch self {
            case .text(let text):
                accumulator.add(text)
            case .parts(let parts):
                for part in parts {
                    if let text = part.text { accumulator.add(text) }
                }
            }
        }
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct AnthropicBody: Decodable {
        var model: String?
        var messages: [AnthropicMessage]?
        var system: AnthropicContent?
        var max_tokens: Int?
        var stream: Bool?
        var tools: [Tool]?
        var tool_choice: ToolChoice?
    }

    struct AnthropicMessage: Decodable {
        var content: AnthropicContent?
    }

    /// Anthropic content: a string or an array of blocks.
    enum AnthropicContent: Decodable {
        case text(String)
        case blocks([AnthropicBlock])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .blocks(try container.decode([AnthropicBlock].self))
            }
        }

        func addText(to accumulator: inout SimulatedPromptAccumulator) {
            switch self {
            case .text(let text):
                accumulator.add(text)
            case .blocks(let blocks):
                for block in blocks {
                    block.addText(to: &accumulator)
                }
            }
        }
    }

    /// A content block; only `text`, a nested `content` (tool results) and `cache_control` are read,
    /// and shapes the simulator does not know are tolerated rather than refused.
    struct AnthropicBlock: Decodable {
        struct CacheControl: Decodable {
            var ttl: String?
        }

        private enum CodingKeys: String, CodingKey {
            case text
            case cacheControl = "cache_control"
            case content
        }

        var text: String?
        var cacheControl: CacheControl?
        /// A `tool_result` block's content (string or blocks).
        var content: AnthropicContent?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            text = try? container.decodeIfPresent(String.self, forKey: .text)
            cacheControl = try? container.decodeIfPresent(CacheControl.self, forKey: .cacheControl)
            content = try? container.decodeIfPresent(AnthropicContent.self, forKey: .content)
        }

        func addText(to accumulator: inout SimulatedPromptAccumulator) {
            if let text { accumulator.add(text) }
            content?.addText(to: &accumulator)
            if let cacheControl {
                accumulator.markBreakpoint(ttl: cacheControl.ttl == "1h" ? .oneHour : .fiveMinutes)
            }
        }
    }
}
