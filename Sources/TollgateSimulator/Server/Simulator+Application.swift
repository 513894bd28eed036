public import Hummingbird
public import Logging
import NIOCore

/// Builds the provider simulator: a real HTTP server that speaks the OpenAI and Anthropic dialects with
/// deterministic token counts, prompt caching, latency, streaming and injected faults.
///
/// Routes:
/// - `POST /v1/chat/completions` (`n` choices, tool calls), `POST /v1/responses` (OpenAI Responses API),
///   `POST /v1/embeddings`, `POST /v1/messages` (tool use), `POST /v1/messages/count_tokens`.
/// - `GET /v1/models` and `GET /v1/models/{id}` (OpenAI shape, or Anthropic's when the request has an
///   `anthropic-version` header; 404 for an id not listed).
/// - `GET /healthz`.
/// - `GET /_sim/requests[?request_id=ID]` lists received requests; `DELETE /_sim/requests` clears them;
///   `DELETE /_sim/cache` forgets cached prompt prefixes; `DELETE /_sim/faults` resets fault counts.
///
/// Request headers: `x-sim-fault` (`rate_limit`, `server_error`, `overloaded`, `stall`, `disconnect`,
/// `stream_error`, `none`), `x-sim-fault-count` and `x-sim-fault-key`, `x-sim-ttft-ms`, `x-sim-token-ms`,
/// `x-sim-record-body: 1` (the log keeps the body exactly as received), `x-sim-json-style: compact|spaced`,
/// and `x-tollgate-request-id` (logged). Any credentials are accepted. A key repeated in a request
/// object takes its last value.
///
/// With ``SimulatorConfiguration/replay`` set, a chat request (any of the three completion routes) for a
/// recorded model gets that model's recorded answer to the prompt matching the request's user text (or,
/// with `x-sim-sample-id: ID`, to that row), streamed or not, with headers `x-sim-recorded-correct: 1|0|unlabelled`,
/// `x-sim-recorded-sample-id` and `x-sim-recorded-cost-usd`, one choice, no tool call, no cap by max
/// tokens and no prompt caching; usage follows ``SimulatorConfiguration/replayUsage``. The request log
/// notes `recorded_sample_id` and `recorded_correct` (a gateway may not relay the headers). A recorded
/// model with no matching recording gets a 404 (`recording_not_found`) in the route's dialect.
///
/// ```swift
/// let app = buildSimulatorApplication(configuration: .init(port: 0), logger: logger) { port in
///     print("simulator on \(port)")
/// }
/// try await app.runService()
/// ```
/// - Parameters:
///   - configuration: Where to listen, latency and faults.
///   - logger: The server's logger.
///   - onServerRunning: Called with the bound port once the server accepts connections (useful with port 0).
/// - Returns: The application, ready to run as a `Service`.
public func buildSimulatorApplication(
    configuration: SimulatorConfiguration,
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let state = SimulatorState(configuration: configuration)
    return Application(
        responder: SimulatorResponder(state: state),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), backlog: 4096),
        onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}

/// An `onServerRunning` callback that logs `simulator listening` with the address actually bound
/// (with port 0 that is the port the system picked).
/// - Parameters:
///   - host: The configured host, shown in the address.
///   - logger: Where to log, at info level.
/// - Returns: A callback for ``buildSimulatorApplication(configuration:logger:onServerRunning:)``.
public func simulatorListeningAnnouncer(host: String, logger: Logger) -> @Sendable (_ port: Int) async -> Void {
    { port in
        logger.info("simulator listening", metadata: ["address": "http://\(host):\(port)", "port": "\(port)"])
    }
}
