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

/// A budget threshold crossed: logged, posted to the webhook and kept as an event row.
public struct BudgetAlert: Sendable, Hashable, Codable {
    /// When it was raised, milliseconds since 1970.
    public var atMs: Int64
    /// The budget's name.
    public var budget: String
    /// The counter within the budget (the per-value dimensions' values; empty for one counter).
    public var scopeKey: String
    /// The period's label, e.g. `2026-11`.
    public var period: String
    /// Start of the period, milliseconds since 1970.
    public var periodStartMs: Int64
    /// The threshold crossed, percent of the limit.
    public var thresholdPercent: Int
    /// Settled spend when it was crossed, nano-USD.
    public var spentNanoUSD: Int64
    /// The limit, nano-USD.
    public var limitNanoUSD: Int64

    /// Creates an alert.
    public init(
        atMs: Int64, budget: String, scopeKey: String, period: String, periodStartMs: Int64, thresholdPercent: Int, spentNanoUSD: Int64,
        limitNanoUSD: Int64
    ) {
        self.atMs = atMs
        self.budget = budget
        self.scopeKey = scopeKey
        self.period = period
        self.periodStartMs = periodStartMs
        self.thresholdPercent = thresholdPercent
        self.spentNanoUSD = spentNanoUSD
        self.limitNanoUSD = limitNanoUSD
    }
}

/// Where governance reads what was already spent: the ledger, at start-up and for traces it has not seen.
public protocol SpendSource: Sendable {
    /// Settled cost (nano-USD) of entries in `[fromMs, toMs)` matching a scope's exact conditions, grouped by the scope's
    /// counter key (see ``GovernanceScope/key(for:)``) and, when `bucketMs` is given, by the start of each bucket.
    func spend(scope: GovernanceScope, fromMs: Int64?, toMs: Int64?, bucketMs: Int64?) throws -> [SettledSpend]
    /// Totals of a trace's entries, or nil when it has none.
    func traceTotals(_ traceID: String) throws -> TraceTotals?
    /// Threshold alerts already raised for periods starting at or after `sinceMs`.
    func alerts(sinceMs: Int64) throws -> [BudgetAlert]
}

/// One group of settled spend.
public struct SettledSpend: Sendable, Hashable {
    /// The scope's counter key.
    public var scopeKey: String
    /// Start of the bucket, when bucketed.
    public var bucketStartMs: Int64?
    /// Settled cost, nano-USD.
    public var nanoUSD: Int64

    /// Creates a row.
    public init(scopeKey: String, bucketStartMs: Int64? = nil, nanoUSD: Int64) {
        self.scopeKey = scopeKey
        self.bucketStartMs = bucketStartMs
        self.nanoUSD = nanoUSD
    }
}

/// What one agent task (trace) has consumed.
public struct TraceTotals: Sendable, Hashable, Codable {
    /// Calls made.
    public var calls: Int64
    /// Tokens, input and output.
    public var tokens: Int64
    /// Cost, nano-USD.
    public var costNanoUSD: Int64
    /// First call, milliseconds since 1970.
    public var firstMs: Int64

    /// Creates totals.
    public init(calls: Int64, tokens: Int64, costNanoUSD: Int64, firstMs: Int64) {
        self.calls = calls
        self.tokens = tokens
        self.costNanoUSD = costNanoUSD
        self.firstMs = firstMs
    }
}

/// Where budget alerts are kept (the ledger's event table).
public protocol GovernanceEventSink: Sendable {
    /// Keeps alerts; an alert already kept is not kept twice.
    func record(alerts: [BudgetAlert]) throws
}
