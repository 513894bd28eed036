/// Where governance reads what was already spent: the ledger, at start-up and for traces it has not seen.
///
/// Every read is asynchronous: ``traceTotals(_:)`` is read on the request path, the first time a process sees a trace,
/// and ``spend(scope:fromMs:toMs:bucketMs:)`` and ``alerts(sinceMs:)`` when the rules are loaded or reloaded; an
/// implementation must not block the caller's thread (an event loop) on I/O.
public protocol SpendSource: Sendable {
    /// Settled cost (nano-USD) of entries in `[fromMs, toMs)` matching a scope's exact conditions, grouped by the scope's
    /// counter key (see ``GovernanceScope/key(for:)``) and, when `bucketMs` is given, by the start of each bucket.
    func spend(scope: GovernanceScope, fromMs: Int64?, toMs: Int64?, bucketMs: Int64?) async throws -> [SettledSpend]
    /// Totals of a trace's entries, or nil when it has none.
    func traceTotals(_ traceID: String) async throws -> TraceTotals?
    /// Threshold alerts already raised for periods starting at or after `sinceMs`.
    func alerts(sinceMs: Int64) async throws -> [BudgetAlert]
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
