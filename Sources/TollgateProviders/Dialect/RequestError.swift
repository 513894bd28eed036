/// A request the gateway refuses, with the status and wording to send back in the caller's dialect.
public struct RequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status.
    public var status: Int
    /// Human message (never contains a secret).
    public var message: String
    /// Machine code (OpenAI `code`), e.g. `model_not_found`.
    public var code: String?
    /// The offending parameter, if any.
    public var param: String?

    /// Creates a request error.
    public init(status: Int, message: String, code: String? = nil, param: String? = nil) {
        self.status = status
        self.message = message
        self.code = code
        self.param = param
    }

    public var description: String { "\(status) \(code ?? ""): \(message)" }

    /// 400: the body is not valid JSON.
    public static func malformedJSON(_ detail: String) -> RequestError {
        RequestError(status: 400, message: "We could not parse the JSON body of your request: \(detail)", code: "invalid_json")
    }

    /// 400: a required field is missing.
    public static func missing(_ field: String) -> RequestError {
        RequestError(status: 400, message: "Missing required parameter: '\(field)'.", code: "missing_required_parameter", param: field)
    }

    /// 400: a field has the wrong type.
    public static func invalidType(_ field: String, expected: String) -> RequestError {
        RequestError(status: 400, message: "Invalid type for '\(field)': expected \(expected).", code: "invalid_type", param: field)
    }
}
