import TollgateProviders

extension SimulatedPrompt {
    /// Parses an OpenAI Responses API request body (`POST /v1/responses`).
    ///
    /// Input tokens count `instructions` and the text of every `input` item: a string `input`, each item's
    /// string `content` or the `text` of its parts (`input_text`, `output_text`), and a
    /// `function_call_output` item's string `output`. There is one cache breakpoint after the instructions
    /// and one after every item, so prompt caching works as for Chat Completions. `max_output_tokens`
    /// caps the answer. Tools are not called on this route: the answer is always text.
    /// - Parameter json: The request body.
    /// - Returns: The prompt (dialect OpenAI), with ``instructions`` kept for the echo.
    /// - Throws: ``SimulationInputError`` for malformed JSON, a missing `model` or `input`, or
    ///   `max_output_tokens` below 1.
    public static func openAIResponses(json: some Sequence<UInt8>) throws(SimulationInputError) -> SimulatedPrompt {
        let body: SimulationWire.ResponsesBody = try SimulationWire.decode(json)
        guard let model = body.model, !model.isEmpty else {
            throw SimulationInputError("Missing required parameter: 'model'.", param: "model")
        }
        guard let input = body.input else {
            throw SimulationInputError("Missing required parameter: 'input'.", param: "input")
        }
        if let cap = body.max_output_tokens, cap < 1 {
            throw SimulationInputError(
                "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1.",
                param: "max_output_tokens"
            )
        }
        var accumulator = SimulatedPromptAccumulator()
        if let instructions = body.instructions {
            accumulator.add(instructions)
            accumulator.markBreakpoint()
        }
        switch input {
        case .text(let text):
            accumulator.add(text)
            accumulator.markBreakpoint()
        case .items(let items):
            for item in items {
                item.content?.addText(to: &accumulator)
                if let output = item.output { accumulator.add(output) }
                accumulator.markBreakpoint()
            }
        }
        return SimulatedPrompt(
            dialect: .openai,
            model: model,
            stream: body.stream ?? false,
            includeUsage: false,
            maxTokens: body.max_output_tokens,
            inputTokens: accumulator.tokens,
            textHash: accumulator.hasher.value,
            cacheBreakpoints: accumulator.breakpoints,
            directives: accumulator.directives,
            instructions: body.instructions
        )
    }
}

extension SimulationWire {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct ResponsesBody: Decodable {
        var model: String?
        var input: ResponsesInput?
        var instructions: String?
        var max_output_tokens: Int?
        var stream: Bool?
    }

    /// Responses `input`: a string, or an array of items.
    enum ResponsesInput: Decodable {
        case text(String)
        case items([ResponsesItem])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .items(try container.decode([ResponsesItem].self))
            }
        }
    }

    /// One input item; only its text is read, and item shapes the simulator does not know are tolerated.
    struct ResponsesItem: Decodable {
        private enum CodingKeys: String, CodingKey {
            case content
            case output
        }

        /// A message's content: a string or parts (`input_text`, `output_text`, images...).
        var content: OpenAIContent?
        /// A `function_call_output` item's output, when it is a string.
        var output: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            content = try? container.decodeIfPresent(OpenAIContent.self, forKey: .content)
            output = try? container.decodeIfPresent(String.self, forKey: .output)
        }
    }
}
