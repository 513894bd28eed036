import HTTPTypes
import Hummingbird
import TollgateCore
import TollgateProviders

/// Thrown inside a response body writer to abort the connection on purpose (the `disconnect` fault).
struct SimulatedDisconnect: Error {}

/// A collected request body, or the response that refuses it.
enum SimulatorCollectedBody {
    case body(ByteBuffer)
    case rejected(Response)
}

/// Per-request latency: configuration, overridden by `[[sim:ttft_ms=,token_ms=]]`, overridden by headers.
struct SimulatorLatency: Sendable {
    var timeToFirstToken: Duration
    var perToken: Duration

    init(request: Request, directives: SimulationDirectives, configuration: SimulatorConfiguration) {
        func milliseconds(_ name: HTTPField.Name, _ directive: Int?) -> Duration? {
            if let value = request.headers[name].flatMap({ Int($0) }), value >= 0 {
                return .milliseconds(value)
            }
            return directive.map { .milliseconds($0) }
        }
        timeToFirstToken =
            milliseconds(SimulatorHeader.ttftMilliseconds, directives.timeToFirstTokenMilliseconds) ?? configuration.timeToFirstToken
        perToken = milliseconds(SimulatorHeader.tokenMilliseconds, directives.perTokenMilliseconds) ?? configuration.perTokenLatency
    }
}

extension SimulatorResponder {
    /// Starts a log record for `request`.
    func newRecord(_ request: Request) -> SimulatorRequestRecord {
        SimulatorRequestRecord(
            receivedAt: Self.now(),
            requestID: request.headers[SimulatorHeader.tollgateRequestID],
            method: request.method.rawValue,
            path: request.uri.path,
            retryCount: request.headers[SimulatorHeader.stainlessRetryCount]
        )
    }

    /// Collects the request body, or answers 413 (logged) when it is larger than configured.
    ///
    /// The body is stored back into `request` (keeping the connection's inbound stream behind it),
    /// so ``stall(_:)`` can still notice the client closing the connection.
    func collectBody(_ request: inout Request, dialect: Dialect, record: inout SimulatorRequestRecord) async -> SimulatorCollectedBody {
        do {
            let buffer = try await request.collectBody(upTo: state.configuration.maximumBodyBytes)
            if request.headers[SimulatorHeader.recordBody] == "1" {
                record.body = String(decoding: buffer.readableBytesView, as: UTF8.self)
            }
            return .body(buffer)
        } catch {
            record.status = 413
            record.completed = true
            state.log.append(record)
            let limit = state.configuration.maximumBodyBytes
            return .rejected(Self.error(dialect, status: 413, message: "Request body exceeds the simulator's limit of \(limit) bytes."))
        }
    }

    /// Logs a rejected request and answers 400 in `dialect`.
    func badRequest(_ error: SimulationInputError, dialect: Dialect, record: SimulatorRequestRecord) -> Response {
        var record = record
        record.status = 400
        record.completed = true
        state.log.append(record)
        return Self.error(dialect, status: 400, message: error.message, param: error.param)
    }

    /// `POST /v1/chat/completions` (OpenAI) and `POST /v1/messages` (Anthropic), streaming or not.
    func completion(_ request: Request, dialect: Dialect) async throws -> Response {
        var request = request
        var record = newRecord(request)
        let buffer: ByteBuffer
        switch await collectBody(&request, dialect: dialect, record: &record) {
        case .body(let collected): buffer = collected
        case .rejected(let response): return response
        }

        let prompt: SimulatedPrompt
        do {
            prompt =
                switch dialect {
                case .openai: try SimulatedPrompt.openAIChat(json: buffer.readableBytesView)
                case .anthropic: try SimulatedPrompt.anthropicMessages(json: buffer.readableBytesView)
                }
        } catch {
            return badRequest(error, dialect: dialect, record: record)
        }
        record.model = prompt.model
        record.stream = prompt.stream
        record.inputTokens = prompt.inputTokens

        var fault: FaultKind?
        do {
            fault = try decideFault(request, directives: prompt.directives, defaultKey: "\(dialect.rawValue):\(prompt.textHash)")
        } catch {
            return badRequest(error, dialect: dialect, record: record)
        }
        if fault == .streamError, !prompt.stream { fault = .serverError }
        record.fault = fault

        if let fault, let response = faultResponse(fault, dialect: dialect) {
            record.status = Int(response.status.code)
            record.completed = true
            state.log.append(record)
            return response
        }
        if fault == .stall {
            let sequence = state.log.append(record)
            await stall(request)
            state.log.update(sequence) { $0.status = 504 }
            return Self.error(dialect, status: 504, message: "Simulated stall ended without an answer.")
        }

        // The provider processes the request: cache accounting and the answer.
        let completion = SimulatedCompletion(prompt: prompt)
        var usage = state.promptCache.inputUsage(for: prompt)
        usage.output = Int64(completion.outputTokens)
        usage.reasoning = Int64(completion.reasoningTokens)
        record.outputTokens = usage.output
        record.cacheReadTokens = usage.cacheRead
        record.cacheWriteTokens = usage.cacheWrite
        record.status = 200

        let latency = SimulatorLatency(request: request, directives: prompt.directives, configuration: state.configuration)
        let identifier = state.nextIdentifier()
        var headers: HTTPFields = [:]
        switch dialect {
        case .openai: headers[SimulatorHeader.openAIRequestID] = "req_sim" + identifier
        case .anthropic: headers[SimulatorHeader.anthropicRequestID] = "req_sim" + identifier
        }

        if prompt.stream {
            let sequence = state.log.append(record)
            if latency.timeToFirstToken > .zero { try await Task.sleep(for: latency.timeToFirstToken) }
            let stream: SimulatedStream =
                switch dialect {
                case .openai:
                    SimulationRenderer.openAIChatStream(
                        id: "chatcmpl-sim" + identifier,
                        created: Int(Self.now()),
                        model: prompt.model,
                        completion: completion,
                        usage: usage,
                        includeUsage: prompt.includeUsage
                    )
                case .anthropic:
                    SimulationRenderer.anthropicMessageStream(id: "msg_sim" + identifier, model: prompt.model, completion: completion, usage: usage)
                }
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: streamBody(stream, fault: fault, perToken: latency.perToken, sequence: sequence))
        }

        let sequence = state.log.append(record)
        let total = latency.timeToFirstToken + latency.perToken * completion.outputTokens
        if total > .zero { try await Task.sleep(for: total) }
        let body: String =
            switch dialect {
            case .openai:
                SimulationRenderer.openAIChatCompletion(
                    id: "chatcmpl-sim" + identifier,
                    created: Int(Self.now()),
                    model: prompt.model,
                    completion: completion,
                    usage: usage
                )
            case .anthropic:
                SimulationRenderer.anthropicMessage(id: "msg_sim" + identifier, model: prompt.model, completion: completion, usage: usage)
            }
        if fault == .disconnect {
            return Self.truncatedJSON(body, headers: headers)
        }
        state.log.update(sequence) { $0.completed = true }
        return Self.json(.ok, body, headers: headers)
    }

    /// A stream body that writes (and flushes) event by event, honouring per-token latency and faults.
    func streamBody(_ stream: SimulatedStream, fault: FaultKind?, perToken: Duration, sequence: Int) -> ResponseBody {
        let log = state.log
        return ResponseBody { writer in
            do {
                for event in stream.head {
                    try await writer.write(ByteBuffer(string: event))
                }
                let cut = fault == .disconnect || fault == .streamError
                let limit = cut ? stream.tokens.count / 2 : stream.tokens.count
                for index in 0..<limit {
                    if index > 0, perToken > .zero { try await Task.sleep(for: perToken) }
                    try await writer.write(ByteBuffer(string: stream.tokens[index]))
                }
                if fault == .disconnect { throw SimulatedDisconnect() }
                if fault == .streamError {
                    try await writer.write(ByteBuffer(string: stream.errorEvent))
                    try await writer.finish(nil)
                    return
                }
                for event in stream.tail {
                    try await writer.write(ByteBuffer(string: event))
                }
                try await writer.finish(nil)
                log.update(sequence) { $0.completed = true }
            } catch {
                log.update(sequence) { $0.completed = false }
                throw error
            }
        }
    }

    /// A JSON response that announces the whole body's length, sends half of it, then aborts the connection.
    static func truncatedJSON(_ body: String, headers: HTTPFields) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = Array(body.utf8)
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: bytes.count) { writer in
                var half = ByteBuffer()
                half.writeBytes(bytes[..<(bytes.count / 2)])
                try await writer.write(half)
                throw SimulatedDisconnect()
            }
        )
    }
}
