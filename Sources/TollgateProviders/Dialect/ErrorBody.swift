import TollgateCore

/// Error bodies in each dialect, shaped exactly as the official SDKs parse them.
///
/// OpenAI: `{"error":{"message","type","param","code"}}`.
/// Anthropic: `{"type":"error","error":{"type","message"}}` with the documented type per status.
public enum ErrorBody {
    /// Renders an error body for `status` in `dialect`.
    /// - Parameters:
    ///   - dialect: The caller's dialect.
    ///   - status: The HTTP status the body will be sent with.
    ///   - message: A human message; it must never contain a secret.
    ///   - code: A machine code (OpenAI `code`; Anthropic ignores it except for a few types).
    ///   - param: The offending request parameter, if any (OpenAI only).
    /// - Returns: The JSON body as UTF-8 text.
    public static func render(dialect: Dialect, status: Int, message: String, code: String? = nil, param: String? = nil) -> String {
        switch dialect {
        case .openai:
            let type = openAIType(status: status)
            return "{\"error\":{\"message\":\(JSONText.quote(message)),\"type\":\(JSONText.quote(type)),"
                + "\"param\":\(param.map(JSONText.quote) ?? "null"),\"code\":\(code.map(JSONText.quote) ?? "null")}}"
        case .anthropic:
            return "{\"type\":\"error\",\"error\":{\"type\":\(JSONText.quote(anthropicType(status: status))),"
                + "\"message\":\(JSONText.quote(message))}}"
        }
    }

    /// The OpenAI error `type` for a status.
    public static func openAIType(status: Int) -> String {
        switch status {
        case 400, 404, 405, 409, 413, 415, 422: "invalid_request_error"
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 503, 529: "service_unavailable"
        default: status >= 500 ? "api_error" : "invalid_request_error"
        }
    }

    /// The Anthropic error `type` for a status, as documented per status code.
    public static func anthropicType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 402: "billing_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 413: "request_too_large"
        case 429: "rate_limit_error"
        case 504: "timeout_error"
        case 529, 503: "overloaded_error"
        default: status >= 500 ? "api_error" : "invalid_request_error"
        }
    }
}
