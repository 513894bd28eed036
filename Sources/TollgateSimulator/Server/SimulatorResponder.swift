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

    /// Answers `request` and writes the reply in the request's JSON style: the `x-sim-json-style` header
    /// (`compact` or `spaced`; anything else is a 400), else the configured ``SimulatorConfiguration/jsonStyle``.
    func respond(to request: Request, context: Context) async throws -> Response {
        let dialect = Self.errorDialect(request)
        var style = state.configuration.jsonStyle
        if let name = request.headers[SimulatorHeader.jsonStyle] {
            guard let requested = SimulationJSONStyle(name: name) else {
                let message = "Invalid x-sim-json-style '\(name)': use compact or spaced."
                return Self.error(dialect, status: 400, message: message, param: "x-sim-json-style").response(style: style)
            }
            style = requested
        }
        return try await reply(to: request, dialect: dialect).response(style: style)
    }

    /// The answer of the route `request` names, not yet written.
    func reply(to request: Request, dialect: Dialect) async throws -> SimulatorReply {
        let path = Self.route(request.uri.path)
        switch (request.method, path) {
        case (.post, "/chat/completions"):
            return try await completion(request, route: .chatCompletions)
        case (.post, "/messages"):
            return try await completion(request, route: .messages)
        case (.post, "/responses"):
            return try await completion(request, route: .responses)
        case (.post, "/messages/count_tokens"):
            return try await countTokens(request)
        case (.post, "/embeddings"):
            return try await embeddings(request)
        case (.get, "/models"):
            return Self.json(.ok, SimulationRenderer.models(dialect: Self.modelDialect(request)))
        case (.get, _) where path.hasPrefix("/models/"):
            return model(request, id: path.dropFirst("/models/".count))
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
            let known = [
                "/chat/completions", "/messages", "/messages/count_tokens", "/responses", "/embeddings", "/models", "/healthz",
                "/_sim/requests",
            ]
            if known.contains(String(path)) || path.hasPrefix("/models/") {
                return Self.error(dialect, status: 405, message: "Method \(request.method) not allowed on \(request.uri.path).")
            }
            return Self.error(dialect, status: 404, message: "Unknown request URL: \(request.method) \(request.uri.path).", code: "unknown_url")
        }
    }

    /// `GET /v1/models/{id}`: one listed model in the dialect's shape, or 404 in the dialect's error shape.
    func model(_ request: Request, id rawID: Substring) -> SimulatorReply {
        let dialect = Self.modelDialect(request)
        let id = Self.percentDecoded(rawID)
        if let body = SimulationRenderer.model(id: id, dialect: dialect) {
            return Self.json(.ok, body)
        }
        switch dialect {
        case .openai:
            return Self.error(
                .openai,
                status: 404,
                message: "The model '\(id)' does not exist or you do not have access to it.",
                code: "model_not_found",
                param: "model"
            )
        case .anthropic:
            return Self.error(.anthropic, status: 404, message: "model: \(id)")
        }
    }

    /// A path segment with its `%XX` escapes decoded (malformed escapes are kept as written).
    static func percentDecoded(_ segment: Substring) -> String {
        guard segment.contains("%") else { return String(segment) }
        let bytes = Array(segment.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The dialect of model routes: Anthropic's when the request has an `anthropic-version` header.
    static func modelDialect(_ request: Request) -> Dialect {
        request.headers[SimulatorHeader.anthropicVersion] == nil ? .openai : .anthropic
    }

    /// The dialect of errors outside a known route: Anthropic's for `/messages` paths or with an
    /// `anthropic-version` header.
    static func errorDialect(_ request: Request) -> Dialect {
        let path = route(request.uri.path)
        return request.headers[SimulatorHeader.anthropicVersion] == nil && !path.hasPrefix("/messages") ? .openai : .anthropic
    }

    /// The route key of a path: without a `/v1` prefix or a trailing slash.
    static func route(_ path: String) -> Substring {
        var route = Substring(path)
        if route.hasPrefix("/v1/") { route = route.dropFirst(3) }
        if route.count > 1, route.hasSuffix("/") { route = route.dropLast() }
        return route
    }

    // MARK: Response helpers

    static func json(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> SimulatorReply {
        SimulatorReply(status: status, headers: headers, body: .json(body))
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
    ) -> SimulatorReply {
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
    static let jsonStyle = HTTPField.Name("x-sim-json-style")!
    static let sampleID = HTTPField.Name("x-sim-sample-id")!
    static let recordedCorrect = HTTPField.Name("x-sim-recorded-correct")!
    static let recordedSampleID = HTTPField.Name("x-sim-recorded-sample-id")!
    static let recordedCost = HTTPField.Name("x-sim-recorded-cost-usd")!
    static let retryAfterMilliseconds = HTTPField.Name("retry-after-ms")!
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    static let openAIRequestID = HTTPField.Name("x-request-id")!
    static let anthropicRequestID = HTTPField.Name("request-id")!
}
