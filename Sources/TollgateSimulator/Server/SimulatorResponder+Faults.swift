import HTTPTypes
import Hummingbird
import ServiceLifecycle
import TollgateProviders

extension SimulatorResponder {
    /// The fault for this request: `x-sim-fault` / `x-sim-fault-count` / `x-sim-fault-key` headers first,
    /// then `[[sim:fault=...,count=...,key=...]]` directives, then the configured ``FaultPlan``.
    func decideFault(_ request: Request, directives: SimulationDirectives, defaultKey: String) throws(SimulationInputError) -> FaultKind? {
        let headers = request.headers
        let requested = headers[SimulatorHeader.fault] ?? directives.fault
        let count = headers[SimulatorHeader.faultCount].flatMap { Int($0) } ?? directives.faultCount
        let key = headers[SimulatorHeader.faultKey] ?? directives.faultKey
        return try state.faults.decide(requested: requested, count: count, key: key, defaultKey: defaultKey)
    }

    /// The complete error response of a status-code fault, or `nil` for faults that shape the body instead.
    func faultResponse(_ fault: FaultKind, dialect: Dialect) -> SimulatorReply? {
        var headers: HTTPFields = [SimulatorHeader.shouldRetry: "true"]
        switch fault {
        case .rateLimit:
            let seconds = max(0, state.configuration.retryAfterSeconds)
            headers[.retryAfter] = String(seconds)
            headers[SimulatorHeader.retryAfterMilliseconds] = String(seconds * 1000)
            let message =
                dialect == .openai
                ? "Rate limit reached for requests (simulated). Please try again in \(seconds)s."
                : "Number of request tokens has exceeded your per-minute rate limit (simulated)."
            return Self.error(dialect, status: 429, message: message, code: "rate_limit_exceeded", headers: headers)
        case .serverError:
            return Self.error(
                dialect,
                status: 500,
                message: "The server had an error while processing your request. (simulated)",
                code: "server_error",
                headers: headers
            )
        case .overloaded:
            switch dialect {
            case .openai:
                return Self.error(
                    .openai,
                    status: 503,
                    message: "The engine is currently overloaded, please try again later. (simulated)",
                    code: "overloaded",
                    headers: headers
                )
            case .anthropic:
                return Self.error(.anthropic, status: 529, message: "Overloaded", headers: headers)
            }
        case .stall, .disconnect, .streamError:
            return nil
        }
    }

    /// Sends nothing until the client closes the connection, the server shuts down, or ten minutes pass.
    ///
    /// Needs a real connection and a body collected with `Request.collectBody(upTo:)` (which keeps the
    /// inbound stream behind it); it is meant for tests over sockets.
    func stall(_ request: Request) async {
        do {
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(600))
                }
            }
        } catch {
            // Cancelled: the client gave up or the server is stopping.
        }
    }
}
