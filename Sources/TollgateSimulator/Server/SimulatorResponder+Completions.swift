import HTTPTypes
import Hummingbird
import TollgateCore
import TollgateProviders

extension SimulatorResponder {
    /// `POST /v1/chat/completions`, `POST /v1/messages` and `POST /v1/responses`, streaming or not:
    /// parse, log, find the recording to replay (when the model is recorded), decide the fault, then answer.
    func completion(_ request: Request, route: SimulatorCompletionRoute) async throws -> SimulatorReply {
        let dialect = route.dialect
        var request = request
        var record = newRecord(request)
        let buffer: ByteBuffer
        switch await collectBody(&request, dialect: dialect, record: &record) {
        case .body(let collected): buffer = collected
        case .rejected(let reply): return reply
        }

        let prompt: SimulatedPrompt
        do {
            prompt = try route.parse(buffer.readableBytesView)
        } catch {
            return badRequest(error, dialect: dialect, record: record)
        }
        record.model = prompt.model
        record.stream = prompt.stream
        record.inputTokens = prompt.inputTokens

        var replayed: SimulatorReplayed?
        switch replayDecision(request, route: route, prompt: prompt, body: buffer.readableBytesView) {
        case .synthesize: replayed = nil
        case .replay(let found): replayed = found
        case .refuse(let reply):
            record.status = Int(reply.status.code)
            record.completed = true
            state.log.append(record)
            return reply
        }

        var fault: FaultKind?
        do {
            fault = try decideFault(request, directives: prompt.directives, defaultKey: "\(route.faultKeyPrefix):\(prompt.textHash)")
        } catch {
            return badRequest(error, dialect: dialect, record: record)
        }
        if fault == .streamError, !prompt.stream { fault = .serverError }
        record.fault = fault

        if let fault, let reply = faultResponse(fault, dialect: dialect) {
            record.status = Int(reply.status.code)
            record.completed = true
            state.log.append(record)
            return reply
        }
        if fault == .stall {
            let sequence = state.log.append(record)
            await stall(request)
            state.log.update(sequence) { $0.status = 504 }
            return Self.error(dialect, status: 504, message: "Simulated stall ended without an answer.")
        }
        return try await answer(request, route: route, prompt: prompt, record: record, fault: fault, replayed: replayed)
    }

    /// The provider processes the request: cache accounting, the answer's choices (synthesised, or the
    /// `replayed` recording), latency and rendering.
    func answer(
        _ request: Request,
        route: SimulatorCompletionRoute,
        prompt: SimulatedPrompt,
        record: SimulatorRequestRecord,
        fault: FaultKind?,
        replayed: SimulatorReplayed? = nil
    ) async throws -> SimulatorReply {
        var record = record
        let (choices, usage) = replayed.map { replayedAnswer($0, prompt: prompt) } ?? synthesizedAnswer(prompt)
        record.inputTokens = usage.inputTotal
        record.outputTokens = usage.output
        record.cacheReadTokens = usage.cacheRead
        record.cacheWriteTokens = usage.cacheWrite
        record.recordedSampleID = replayed?.prompt.sampleID
        record.recordedCorrect = replayed?.answer.correctnessLabel
        record.status = 200

        let latency = SimulatorLatency(request: request, directives: prompt.directives, configuration: state.configuration)
        let rendering = SimulatorCompletionRoute.Rendering(
            identifier: state.nextIdentifier(),
            created: Int(Self.now()),
            prompt: prompt,
            choices: choices,
            usage: usage
        )
        var headers: HTTPFields = [:]
        switch route.dialect {
        case .openai: headers[SimulatorHeader.openAIRequestID] = "req_sim" + rendering.identifier
        case .anthropic: headers[SimulatorHeader.anthropicRequestID] = "req_sim" + rendering.identifier
        }
        replayed?.addHeaders(to: &headers)

        let sequence = state.log.append(record)
        if prompt.stream {
            if latency.timeToFirstToken > .zero { try await Task.sleep(for: latency.timeToFirstToken) }
            let plan = SimulatorReply.StreamPlan(fault: fault, perToken: latency.perToken, log: state.log, sequence: sequence)
            return SimulatorReply(status: .ok, headers: headers, body: .stream(route.stream(rendering), plan))
        }

        let total = latency.timeToFirstToken + latency.perToken * Int(usage.output)
        if total > .zero { try await Task.sleep(for: total) }
        let body = route.body(rendering)
        if fault == .disconnect {
            return SimulatorReply(status: .ok, headers: headers, body: .truncatedJSON(body))
        }
        state.log.update(sequence) { $0.completed = true }
        return Self.json(.ok, body, headers: headers)
    }
}
