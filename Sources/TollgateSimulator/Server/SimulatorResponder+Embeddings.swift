import Hummingbird
import TollgateProviders

extension SimulatorResponder {
    /// `POST /v1/embeddings`: deterministic unit vectors (floats or base64), usage `{prompt_tokens, total_tokens}`.
    func embeddings(_ request: Request) async throws -> SimulatorReply {
        var request = request
        var record = newRecord(request)
        let buffer: ByteBuffer
        switch await collectBody(&request, dialect: .openai, record: &record) {
        case .body(let collected): buffer = collected
        case .rejected(let reply): return reply
        }
        let embeddingRequest: SimulatedEmbeddingRequest
        do {
            embeddingRequest = try SimulatedEmbeddingRequest.parse(json: buffer.readableBytesView)
        } catch {
            return badRequest(error, dialect: .openai, record: record)
        }
        record.model = embeddingRequest.model
        record.inputTokens = embeddingRequest.promptTokens

        var fault: FaultKind?
        do {
            fault = try decideFault(
                request,
                directives: embeddingRequest.directives,
                defaultKey: "embeddings:\(embeddingRequest.inputHash)"
            )
        } catch {
            return badRequest(error, dialect: .openai, record: record)
        }
        if fault == .streamError { fault = .serverError }
        record.fault = fault
        if let fault, let reply = faultResponse(fault, dialect: .openai) {
            record.status = Int(reply.status.code)
            record.completed = true
            state.log.append(record)
            return reply
        }
        if fault == .stall {
            let sequence = state.log.append(record)
            await stall(request)
            state.log.update(sequence) { $0.status = 504 }
            return Self.error(.openai, status: 504, message: "Simulated stall ended without an answer.")
        }

        record.status = 200
        record.outputTokens = 0
        let sequence = state.log.append(record)
        let latency = SimulatorLatency(request: request, directives: embeddingRequest.directives, configuration: state.configuration)
        if latency.timeToFirstToken > .zero { try await Task.sleep(for: latency.timeToFirstToken) }
        let body = SimulationRenderer.embeddings(embeddingRequest, defaultDimensions: state.configuration.embeddingDimensions)
        if fault == .disconnect {
            return SimulatorReply(status: .ok, headers: [:], body: .truncatedJSON(body))
        }
        state.log.update(sequence) { $0.completed = true }
        return Self.json(.ok, body)
    }

    /// `POST /v1/messages/count_tokens`: `{"input_tokens": N}` for an Anthropic Messages body.
    func countTokens(_ request: Request) async throws -> SimulatorReply {
        var request = request
        var record = newRecord(request)
        let buffer: ByteBuffer
        switch await collectBody(&request, dialect: .anthropic, record: &record) {
        case .body(let collected): buffer = collected
        case .rejected(let reply): return reply
        }
        do {
            let prompt = try SimulatedPrompt.anthropicMessages(json: buffer.readableBytesView)
            record.model = prompt.model
            record.inputTokens = prompt.inputTokens
            record.status = 200
            record.completed = true
            state.log.append(record)
            return Self.json(.ok, "{\"input_tokens\":\(prompt.inputTokens)}")
        } catch {
            return badRequest(error, dialect: .anthropic, record: record)
        }
    }
}
