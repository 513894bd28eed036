import Hummingbird
import NIOCore
import TollgateCore
import TollgateProviders

/// The routes that answer a prompt. They share parsing, faults, caching, latency and logging, and differ
/// in dialect, request shape and rendering.
enum SimulatorCompletionRoute: Sendable {
    /// `POST /v1/chat/completions` (OpenAI Chat Completions).
    case chatCompletions
    /// `POST /v1/messages` (Anthropic Messages).
    case messages
    /// `POST /v1/responses` (OpenAI Responses).
    case responses

    /// Everything a renderer needs for one answer.
    struct Rendering: Sendable {
        /// The request's fresh identifier suffix (ids are `<prefix><identifier>`).
        var identifier: String
        /// Unix seconds.
        var created: Int
        var prompt: SimulatedPrompt
        /// One completion per choice (only Chat Completions has more than one).
        var choices: [SimulatedCompletion]
        /// The full usage, output summed over the choices.
        var usage: TokenUsage

        /// The first (on most routes, the only) choice.
        var first: SimulatedCompletion {
            choices.first ?? SimulatedCompletion(prompt: prompt)
        }

        var responseHeader: SimulatedResponseHeader {
            SimulatedResponseHeader(id: "resp_sim" + identifier, messageID: "msg_sim" + identifier, createdAt: created, prompt: prompt)
        }
    }

    /// The dialect of the route's requests, answers and errors.
    var dialect: Dialect {
        self == .messages ? .anthropic : .openai
    }

    /// The prefix of the default fault key (`x-sim-fault-count` without `x-sim-fault-key`).
    var faultKeyPrefix: String {
        switch self {
        case .chatCompletions: "openai"
        case .messages: "anthropic"
        case .responses: "responses"
        }
    }

    /// Parses the request body.
    func parse(_ body: ByteBufferView) throws(SimulationInputError) -> SimulatedPrompt {
        switch self {
        case .chatCompletions: try SimulatedPrompt.openAIChat(json: body)
        case .messages: try SimulatedPrompt.anthropicMessages(json: body)
        case .responses: try SimulatedPrompt.openAIResponses(json: body)
        }
    }

    /// The non-streaming answer as compact JSON.
    func body(_ rendering: Rendering) -> String {
        switch self {
        case .chatCompletions:
            SimulationRenderer.openAIChatCompletion(
                id: "chatcmpl-sim" + rendering.identifier,
                created: rendering.created,
                model: rendering.prompt.model,
                choices: rendering.choices,
                usage: rendering.usage
            )
        case .messages:
            SimulationRenderer.anthropicMessage(
                id: "msg_sim" + rendering.identifier,
                model: rendering.prompt.model,
                completion: rendering.first,
                usage: rendering.usage
            )
        case .responses:
            SimulationRenderer.openAIResponse(rendering.responseHeader, completion: rendering.first, usage: rendering.usage)
        }
    }

    /// The streamed answer, event by event.
    func stream(_ rendering: Rendering) -> SimulatedStream {
        switch self {
        case .chatCompletions:
            SimulationRenderer.openAIChatStream(
                id: "chatcmpl-sim" + rendering.identifier,
                created: rendering.created,
                model: rendering.prompt.model,
                choices: rendering.choices,
                usage: rendering.usage,
                includeUsage: rendering.prompt.includeUsage
            )
        case .messages:
            SimulationRenderer.anthropicMessageStream(
                id: "msg_sim" + rendering.identifier,
                model: rendering.prompt.model,
                completion: rendering.first,
                usage: rendering.usage
            )
        case .responses:
            SimulationRenderer.openAIResponseStream(rendering.responseHeader, completion: rendering.first, usage: rendering.usage)
        }
    }
}
