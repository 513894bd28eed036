import HTTPTypes
import Hummingbird
import TollgateProviders

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The simulator's routes, dispatched by a switch on method and path (no router needed for a dozen routes).
///
/// Paths may omit the `/v1` prefix and carry a trailing slash.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let state: SimulatorState

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = Self.route(request.uri.path)
        switch (request.method, path) {
        case (.post, "/chat/completions"):
            return try await completion(request, dialect: .openai)
        case (.post, "/messages"):
            return try await completion(request, dialect: .anthropic)
        case (.post, "/messages/count_tokens"):
            return try await countTokens(request)
        case (.post, "/embeddings"):
            return try await embeddings(request)
        case (.get, "/models"):
            let dialect: Dialect = request.headers[SimulatorHeader.anthropicVersion] == nil ? .openai : .anthropic
            return Self.json(.ok, SimulationRenderer.models(dialect: dialect))
        case (.get, "/healthz"), (.get, "/health"):
            return Self.json(.ok, "{\"status\":\"ok\"}")
        case (.get, "/_sim/requests"):
            return listRequests(request)
        case (.delete, "/_sim/requests"):
            state.log.removeAll()
            return Self.json(.ok, "{\"requests\":[]}")
        case (.delete, "/_sim/cache"):
            state.promptCache.removeAll()
            return Self.json(.ok, "{\"cleared\":\"cache\"}")
        case (.delete, "/_sim/faults"):
            state.faults.resetCounts()
            return Self.json(.ok, "{\"cleared\":\"faults\"}")
        default:
            let dialect: Dialect = request.headers[SimulatorHeader.anthropicVersion] == nil && path != "/messages" ? .openai : .anthropic
            let known = ["/chat/completions", "/messages", "/messages/count_tokens", "/embeddings", "/models", "/healthz", "/_sim/requests"]
            if known.contains(String(path)) {
                return Self.error(dialect, status: 405, message: "Method \(request.method) not allowed on \(request.uri.path).")
            }
            return Self.error(dialect, status: 404, message: "Unknown request URL: \(request.method) \(request.uri.path).", code: "unknown_url")
        }
    }

    /// The route key of a path: without a `/v1` prefix or a trailing slash.
    static func route(_ path: String) -> Substring {
        var route = Substring(path)
        if route.hasPrefix("/v1/") { route = route.dropFirst(3) }
        if route.count > 1, route.hasSuffix("/") { route = route.dropLast() }
        return route
    }

    // MARK: Response helpers

    static func json(_ status: HTTPResponse.Status, _ body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func status(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 529: HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded")
        default: HTTPResponse.Status(code: code)
        }
    }

    static func error(
        _ dialect: Dialect,
        status: Int,
        message: String,
        code: String? = nil,
        param: String? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        json(Self.status(status), ErrorBody.render(dialect: dialect, status: status, message: message, code: code, param: param), headers: headers)
    }

    static func now() -> Double {
        Date().timeIntervalSince1970
    }
}

/// Header names the simulator reads or writes.
enum SimulatorHeader {
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    static let tollgateRequestID = HTTPField.Name("x-tollgate-request-id")!
    static let stainlessRetryCount = HTTPField.Name("x-stainless-retry-count")!
    static let fault = HTTPField.Name("x-sim-fault")!
    static let faultCount = HTTPField.Name("x-sim-fault-count")!
    static let faultKey = HTTPField.Name("x-sim-fault-key")!
    static let ttftMilliseconds = HTTPField.Name("x-sim-ttft-ms")!
    static let tokenMilliseconds = HTTPField.Name("x-sim-token-ms")!
    static let recordBody = HTTPField.Name("x-sim-record-body")!
    static let retryAfterMilliseconds = HTTPField.Name("retry-after-ms")!
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    static let openAIRequestID = HTTPField.Name("x-request-id")!
    static let anthropicRequestID = HTTPField.Name("request-id")!
}
