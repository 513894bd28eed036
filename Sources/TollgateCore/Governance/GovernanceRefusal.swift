/// Why governance refused a call, in terms any dialect can render.
public struct GovernanceRefusal: Error, Sendable, Hashable {
    /// HTTP status: 429 for budgets and limits, 403 for policy, 503 for kill switches, 400 for input ceilings.
    public var status: Int
    /// Machine-readable code, e.g. `budget_exceeded`, `agent_limit_exceeded`, `rate_limit_exceeded`.
    public var code: String
    /// A sentence a developer can act on (names the rule, the limit, what is spent, when it resets).
    public var message: String
    /// Seconds after which retrying can succeed, when known.
    public var retryAfterSeconds: Int64?
    /// Extra response headers (e.g. `x-ratelimit-*`).
    public var headers: [String: String]
    /// The rule that refused, for the ledger (e.g. `budget:support-monthly`).
    public var rule: String

    /// Creates a refusal.
    public init(status: Int, code: String, message: String, retryAfterSeconds: Int64? = nil, headers: [String: String] = [:], rule: String) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.headers = headers
        self.rule = rule
    }
}
