import HTTPTypes
import Hummingbird
import NIOCore
import TollgateCore
import TollgateProviders

extension Gateway {
    /// The configured models a dialect's routes can serve, in configuration order.
    func modelNames(servedBy dialect: Dialect) -> [String] {
        runtime.modelNames.filter { runtime.models[$0]?.provider.dialect == dialect }
    }

    /// `GET /v1/models` in the caller's dialect, listing only the models its routes serve.
    func modelList(dialect: Dialect) -> Response {
        let names = modelNames(servedBy: dialect)
        let items = names.map { modelObject($0, dialect: dialect) }.joined(separator: ",")
        let body: String
        switch dialect {
        case .openai:
            body = "{\"object\":\"list\",\"data\":[\(items)]}"
        case .anthropic:
            let first = names.first.map(JSONText.quote) ?? "null"
            let last = names.last.map(JSONText.quote) ?? "null"
            body = "{\"data\":[\(items)],\"has_more\":false,\"first_id\":\(first),\"last_id\":\(last)}"
        }
        return Self.json(body)
    }

    /// `GET /v1/models/{id}` in the caller's dialect.
    /// - Throws: ``GatewayError`` 404 when the model is not configured for the dialect's routes.
    func model(_ id: String, dialect: Dialect) throws(GatewayError) -> Response {
        guard runtime.models[id]?.provider.dialect == dialect else {
            throw GatewayError(
                dialect: dialect,
                RequestError(.modelNotFound, "The model '\(id)' does not exist or is not served on this route by this gateway.", param: "model"))
        }
        return Self.json(modelObject(id, dialect: dialect))
    }

    private func modelObject(_ name: String, dialect: Dialect) -> String {
        switch dialect {
        case .openai:
            let owner = runtime.models[name]?.provider.configuration.name ?? "tollgate"
            return "{\"id\":\(JSONText.quote(name)),\"object\":\"model\",\"created\":1700000000,\"owned_by\":\(JSONText.quote(owner))}"
        case .anthropic:
            return
                "{\"type\":\"model\",\"id\":\(JSONText.quote(name)),\"display_name\":\(JSONText.quote(name)),\"created_at\":\"2024-01-01T00:00:00Z\"}"
        }
    }

    private static func json(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension Dialect {
    /// The dialect a request speaks: Anthropic when it carries `anthropic-version` or `x-api-key`, or
    /// calls an Anthropic path; OpenAI otherwise.
    static func of(_ request: Request) -> Dialect {
        if request.headers[.anthropicVersion] != nil || request.uri.path.hasPrefix("/v1/messages") { return .anthropic }
        if request.headers[.authorization] == nil, request.headers[.xAPIKey] != nil { return .anthropic }
        return .openai
    }
}

/// Answers a request for a route the gateway does not serve with a JSON error in the caller's
/// dialect (the router alone answers an empty 404).
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let status = Int(error.status.code)
            let message =
                status == 404
                ? "Tollgate does not serve \(request.method) \(request.uri.path). It serves POST /v1/chat/completions, /v1/responses, /v1/embeddings, /v1/messages, /v1/messages/count_tokens and /v1/outcomes, and GET /v1/models."
                : "Method \(request.method) is not allowed on \(request.uri.path)."
            throw GatewayError(dialect: Dialect.of(request), RequestError(status == 404 ? .unknownURL : .methodNotAllowed, message))
        }
    }
}
