/// A request the gateway refuses: what went wrong as a ``Code``, and the wording to send back in the
/// caller's dialect. Which HTTP status a code is answered with is decided in one place, the server's
/// `GatewayError`.
public struct RequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A machine code (OpenAI's `code` field), e.g. `model_not_found`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as sent to the caller.
        public let rawValue: String

        /// A code by its wire name (upstream failure labels and governance refusal codes pass through this way).
        public init(rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }

        /// The body is not valid JSON.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// A required field is missing.
        public static let missingRequiredParameter = Code(rawValue: "missing_required_parameter")
        /// A field has the wrong type.
        public static let invalidType = Code(rawValue: "invalid_type")
        /// A field's value is not acceptable.
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// A field occurs more than once.
        public static let duplicateParameter = Code(rawValue: "duplicate_parameter")
        /// An integer below its minimum.
        public static let integerBelowMinValue = Code(rawValue: "integer_below_min_value")
        /// An integer above its maximum.
        public static let integerAboveMaxValue = Code(rawValue: "integer_above_max_value")
        /// A request the admin API cannot read.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// A declared attribution value (team, customer, …) is not acceptable.
        public static let invalidAttribution = Code(rawValue: "invalid_attribution")
        /// A model called on the route of another dialect.
        public static let wrongRoute = Code(rawValue: "wrong_route")
        /// An outcome submission that cannot be recorded.
        public static let invalidOutcome = Code(rawValue: "invalid_outcome")
        /// A configuration reload that found problems.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The HTTP framing of the body is invalid.
        public static let invalidHTTPRequest = Code(rawValue: "invalid_http_request")
        /// The caller's key is missing, unknown, revoked or expired.
        public static let invalidAPIKey = Code(rawValue: "invalid_api_key")
        /// The admin key is missing or wrong.
        public static let invalidAdminKey = Code(rawValue: "invalid_admin_key")
        /// The model is not configured (or not served on this route).
        public static let modelNotFound = Code(rawValue: "model_not_found")
        /// An admin resource that does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// A path the gateway does not serve.
        public static let unknownURL = Code(rawValue: "unknown_url")
        /// The admin API is switched off.
        public static let adminDisabled = Code(rawValue: "admin_disabled")
        /// A method the path does not allow.
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        /// An admin resource that already exists.
        public static let alreadyExists = Code(rawValue: "already_exists")
        /// A resource defined in the configuration file, which the admin API does not change.
        public static let configured = Code(rawValue: "configured")
        /// A key that was revoked.
        public static let keyRevoked = Code(rawValue: "key_revoked")
        /// An outcome id already recorded with different facts.
        public static let outcomeConflict = Code(rawValue: "outcome_conflict")
        /// The body exceeds the size limit.
        public static let requestTooLarge = Code(rawValue: "request_too_large")
        /// The body is not JSON.
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        /// The gateway failed itself.
        public static let internalError = Code(rawValue: "internal_error")
        /// A transfer coding other than chunked.
        public static let unsupportedTransferEncoding = Code(rawValue: "unsupported_transfer_encoding")
        /// The ledger cannot take the call's record, so the call is not made.
        public static let ledgerUnavailable = Code(rawValue: "ledger_unavailable")
        /// An `x-tollgate-cache` value that is not one of the directives.
        public static let invalidCacheDirective = Code(rawValue: "invalid_cache_directive")
        /// `x-tollgate-cache: only-if-cached` and no cached answer.
        public static let cacheMiss = Code(rawValue: "cache_miss")
        /// Every model that could serve the call is on a provider whose circuit breaker is open.
        public static let providerUnavailable = Code(rawValue: "provider_unavailable")
        /// A request over its context budget that the budget's strategies could not bring under it, refused.
        public static let contextOverBudget = Code(rawValue: "context_over_budget")
    }

    /// What went wrong.
    public var code: Code
    /// Human message (never contains a secret).
    public var message: String
    /// The offending parameter, if any.
    public var param: String?

    /// Creates a request error.
    public init(_ code: Code, _ message: String, param: String? = nil) {
        self.code = code
        self.message = message
        self.param = param
    }

    public var description: String { "\(code): \(message)" }

    /// The body is not valid JSON.
    public static func malformedJSON(_ detail: String) -> RequestError {
        RequestError(.invalidJSON, "We could not parse the JSON body of your request: \(detail)")
    }

    /// A required field is missing.
    public static func missing(_ field: String) -> RequestError {
        RequestError(.missingRequiredParameter, "Missing required parameter: '\(field)'.", param: field)
    }

    /// A field has the wrong type.
    public static func invalidType(_ field: String, expected: String) -> RequestError {
        RequestError(.invalidType, "Invalid type for '\(field)': expected \(expected).", param: field)
    }
}
