public import HTTPTypes
public import Hummingbird
import NIOCore
public import TollgateProviders

/// An error the gateway answers itself, rendered in the caller's dialect.
///
/// This is the one place where gateway failures become HTTP: status, the dialect's JSON body, and
/// `x-should-retry` so the official SDKs neither retry hopeless requests nor give up on retryable ones.
public struct GatewayError: Error, Sendable, HTTPResponseError {
    /// The caller's dialect.
    public var dialect: Dialect
    /// The request error (code, message, param).
    public var error: RequestError
    /// The HTTP status: by default the one ``status(of:)`` gives the error's code.
    public var status: HTTPResponse.Status
    /// The request id, when one was assigned.
    public var requestID: String?
    /// Seconds after which a retry may succeed (429/503).
    public var retryAfter: Int?
    /// Whether a client retry can help; by default 408, 409, 429 and 5xx can.
    ///
    /// It is `false` when the provider may already have billed the call (a time-out or an answer cut
    /// off after the request was sent), so the SDKs do not pay for the same call twice.
    public var shouldRetry: Bool
    /// Further response headers (e.g. `x-ratelimit-*`).
    public var headers: [String: String]

    /// Creates a gateway error answered with the status of its code.
    public init(
        dialect: Dialect, _ error: RequestError, requestID: String? = nil, retryAfter: Int? = nil, shouldRetry: Bool? = nil,
        headers: [String: String] = [:]
    ) {
        self.init(
            status: Self.status(of: error.code), dialect: dialect, error, requestID: requestID, retryAfter: retryAfter, shouldRetry: shouldRetry,
            headers: headers)
    }

    /// Creates a gateway error with a status of its own (a provider failure answered with the status its entry records).
    init(
        status: Int, dialect: Dialect, _ error: RequestError, requestID: String? = nil, retryAfter: Int? = nil, shouldRetry: Bool? = nil,
        headers: [String: String] = [:]
    ) {
        self.dialect = dialect
        self.headers = headers
        self.error = error
        self.status = HTTPResponse.Status(code: status)
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry ?? (status == 408 || status == 409 || status == 429 || status >= 500)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The HTTP response.
    public func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let requestID { headers[.tollgateRequestID] = requestID }
        if let retryAfter {
            headers[.retryAfter] = String(retryAfter)
        }
        headers[.shouldRetry] = shouldRetry ? "true" : "false"
        for (name, value) in self.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let body = ErrorBody.render(dialect: dialect, status: status.code, message: error.message, code: error.code.rawValue, param: error.param)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func unauthorized(_ dialect: Dialect) -> GatewayError {
        GatewayError(
            dialect: dialect,
            RequestError(
                .invalidAPIKey, dialect == .anthropic ? "invalid x-api-key" : "Incorrect API key provided. Use a Tollgate key as the bearer token."))
    }
}

extension HTTPField.Name {
    /// `x-tollgate-request-id`.
    static let tollgateRequestID = HTTPField.Name("x-tollgate-request-id")!
    /// `x-tollgate-cost-usd`.
    static let tollgateCost = HTTPField.Name("x-tollgate-cost-usd")!
    /// `x-tollgate-cache`: the caller's cache directive, and the cache's answer (`hit`, `miss`, `bypass`).
    static let tollgateCache = HTTPField.Name("x-tollgate-cache")!
    /// `x-tollgate-cache-source`: the entry whose answer a cache hit served.
    static let tollgateCacheSource = HTTPField.Name("x-tollgate-cache-source")!
    /// `x-tollgate-saved-usd`: what a lever saved on the call.
    static let tollgateSaved = HTTPField.Name("x-tollgate-saved-usd")!
    /// `x-tollgate-routed-from`: the model the caller asked for, when a routing rule served the call with another.
    static let tollgateRoutedFrom = HTTPField.Name("x-tollgate-routed-from")!
    /// `x-tollgate-model`: the configured model that served the call, when routing or a downgrade chose it.
    static let tollgateModel = HTTPField.Name("x-tollgate-model")!
    /// `x-should-retry`.
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    /// `x-api-key`.
    static let xAPIKey = HTTPField.Name("x-api-key")!
    /// `anthropic-version`.
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    /// `x-stainless-retry-count`.
    static let stainlessRetryCount = HTTPField.Name("x-stainless-retry-count")!
}
