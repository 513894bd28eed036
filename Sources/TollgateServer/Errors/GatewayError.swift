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
    /// The request error (status, message, code, param).
    public var error: RequestError
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

    /// Creates a gateway error.
    public init(
        dialect: Dialect, _ error: RequestError, requestID: String? = nil, retryAfter: Int? = nil, shouldRetry: Bool? = nil,
        headers: [String: String] = [:]
    ) {
        self.dialect = dialect
        self.headers = headers
        self.error = error
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry ?? (error.status == 408 || error.status == 409 || error.status == 429 || error.status >= 500)
    }

    public var status: HTTPResponse.Status { .init(code: error.status) }

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
        let body = ErrorBody.render(dialect: dialect, status: error.status, message: error.message, code: error.code, param: error.param)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func unauthorized(_ dialect: Dialect) -> GatewayError {
        GatewayError(
            dialect: dialect,
            RequestError(
                status: 401,
                message: dialect == .anthropic
                    ? "invalid x-api-key" : "Incorrect API key provided. Use a Tollgate key as the bearer token.",
                code: "invalid_api_key"))
    }
}

extension HTTPField.Name {
    /// `x-tollgate-request-id`.
    static let tollgateRequestID = HTTPField.Name("x-tollgate-request-id")!
    /// `x-tollgate-cost-usd`.
    static let tollgateCost = HTTPField.Name("x-tollgate-cost-usd")!
    /// `x-should-retry`.
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    /// `x-api-key`.
    static let xAPIKey = HTTPField.Name("x-api-key")!
    /// `anthropic-version`.
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    /// `x-stainless-retry-count`.
    static let stainlessRetryCount = HTTPField.Name("x-stainless-retry-count")!
}
