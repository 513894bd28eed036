/// Why governance refused a call: what kind of refusal it is, a sentence a developer can act on, and
/// the facts behind it. How each kind is answered (status, headers) is the server's business.
public struct GovernanceRefusal: Error, Sendable, Hashable {
    /// The kind of refusal, stable and machine-readable (it is the error `code` callers see).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as sent, e.g. `budget_exceeded`.
        public let rawValue: String

        /// Creates a code.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// A budget cannot cover the call.
        public static let budgetExceeded = Code(rawValue: "budget_exceeded")
        /// A rate limit is reached.
        public static let rateLimitExceeded = Code(rawValue: "rate_limit_exceeded")
        /// An agent task (trace) reached one of its limits.
        public static let agentLimitExceeded = Code(rawValue: "agent_limit_exceeded")
        /// A kill switch is set on the workflow, provider or model.
        public static let killSwitch = Code(rawValue: "kill_switch")
        /// The key or a policy does not allow the model.
        public static let modelNotAllowed = Code(rawValue: "model_not_allowed")
        /// A policy admits registered workflows only.
        public static let workflowNotRegistered = Code(rawValue: "workflow_not_registered")
        /// The prompt is larger than a policy allows.
        public static let inputTooLarge = Code(rawValue: "input_too_large")
        /// The model has no price and its limits need one.
        public static let unpricedModel = Code(rawValue: "unpriced_model")
    }

    /// The facts a refusal carries for the caller, beyond its sentence.
    public enum Detail: Sendable, Hashable {
        /// The budget that refused, its limit and what is settled.
        case budget(name: String, limitNanoUSD: Int64, spentNanoUSD: Int64)
        /// What the refused agent task has consumed.
        case trace(TraceTotals)
        /// The state of the rate limit that refused.
        case rateLimits(RateLimitSnapshot)
    }

    /// The kind of refusal.
    public var code: Code
    /// A sentence a developer can act on (names the rule, the limit, what is spent, when it resets).
    public var message: String
    /// Seconds after which retrying can succeed, when known.
    public var retryAfterSeconds: Int64?
    /// The facts behind the refusal, when there are any beyond the message.
    public var detail: Detail?
    /// The rule that refused, for the ledger (e.g. `budget:support-monthly`).
    public var rule: String

    /// Creates a refusal.
    public init(code: Code, message: String, retryAfterSeconds: Int64? = nil, detail: Detail? = nil, rule: String) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.detail = detail
        self.rule = rule
    }
}

/// What a call's rate limit has left: the per-minute counters (per-day where no per-minute one is set).
public struct RateLimitSnapshot: Sendable, Hashable {
    /// One counter.
    public struct Window: Sendable, Hashable {
        /// The counter's capacity.
        public var limit: Int64
        /// What is left now.
        public var remaining: Int64
        /// Milliseconds until it is full again.
        public var msToFull: Int64

        /// Creates a window.
        public init(limit: Int64, remaining: Int64, msToFull: Int64) {
            self.limit = limit
            self.remaining = remaining
            self.msToFull = msToFull
        }
    }

    /// Requests.
    public var requests: Window?
    /// Tokens.
    public var tokens: Window?

    /// Creates a snapshot.
    public init(requests: Window? = nil, tokens: Window? = nil) {
        self.requests = requests
        self.tokens = tokens
    }
}
