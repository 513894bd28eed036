import HTTPTypes
import Hummingbird
import NIOCore
import TollgateCore

/// A recorded answer chosen for a request, and the prompt it was recorded for.
struct SimulatorReplayed: Sendable {
    var prompt: RecordedPrompt
    var answer: RecordedAnswer

    /// `x-sim-recorded-correct`, `x-sim-recorded-sample-id` and (when recorded) `x-sim-recorded-cost-usd`.
    func addHeaders(to headers: inout HTTPFields) {
        headers[SimulatorHeader.recordedCorrect] = answer.correctnessLabel
        headers[SimulatorHeader.recordedSampleID] = prompt.sampleID
        if let cost = answer.costNanoUSD { headers[SimulatorHeader.recordedCost] = Money.format(nanoUSD: cost) }
    }
}

/// Whether a request is answered from the recordings.
enum SimulatorReplayDecision: Sendable {
    /// The model is not recorded (or nothing is loaded): synthesise as usual.
    case synthesize
    /// Replay this recorded answer.
    case replay(SimulatorReplayed)
    /// The model is recorded but no recording matches: answer this error.
    case refuse(SimulatorReply)
}

extension SimulatorCompletionRoute {
    /// The user text of the request body, as matched against recorded prompts.
    func replayText(_ body: ByteBufferView) -> String? {
        switch self {
        case .chatCompletions: ReplayRequestText.openAIChat(json: body)
        case .messages: ReplayRequestText.anthropicMessages(json: body)
        case .responses: ReplayRequestText.openAIResponses(json: body)
        }
    }
}

extension SimulatorResponder {
    /// Looks the request up in the loaded recordings: by `x-sim-sample-id` when sent, else by the user text.
    func replayDecision(
        _ request: Request, route: SimulatorCompletionRoute, prompt: SimulatedPrompt, body: ByteBufferView
    )
        -> SimulatorReplayDecision
    {
        guard let recordings = state.configuration.replay, let model = recordings.resolveModel(prompt.model) else { return .synthesize }
        let found: RecordedPrompt?
        let asked: String
        if let sampleID = request.headers[SimulatorHeader.sampleID] {
            found = recordings.prompt(sampleID: sampleID)
            asked = "sample_id \(JSONText.quote(sampleID))"
        } else {
            found = route.replayText(body).flatMap { recordings.prompt(matching: $0) }
            asked = "this prompt"
        }
        guard let found, let answer = found.answers[model] else {
            let message = "No recording of model '\(model)' matches \(asked) (simulator replay)."
            return .refuse(Self.error(route.dialect, status: 404, message: message, code: "recording_not_found"))
        }
        return .replay(SimulatorReplayed(prompt: found, answer: answer))
    }

    /// The one choice and the usage of a replayed answer (no prompt caching: recorded costs had none).
    func replayedAnswer(_ replayed: SimulatorReplayed, prompt: SimulatedPrompt) -> ([SimulatedCompletion], TokenUsage) {
        let usage = ReplayUsage.usage(of: replayed.answer, inputTokens: prompt.inputTokens, mode: state.configuration.replayUsage)
        return ([SimulatedCompletion(recorded: replayed.answer.response)], usage)
    }

    /// The choices of a synthesised answer and its usage, prompt caching included.
    func synthesizedAnswer(_ prompt: SimulatedPrompt) -> ([SimulatedCompletion], TokenUsage) {
        let choices = SimulatedCompletion.choices(for: prompt)
        var usage = state.promptCache.inputUsage(for: prompt)
        usage.output = Int64(choices.reduce(0) { $0 + $1.outputTokens })
        usage.reasoning = Int64(choices.reduce(0) { $0 + $1.reasoningTokens })
        return (choices, usage)
    }
}
