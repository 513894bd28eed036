/// A dimension `report spend` groups by: an attribution column, the requested or served model, or a time grain.
public enum SpendDimension: String, Sendable, CaseIterable {
    case team, app, workflow, customer, provider, environment, key
    case costCenter = "cost_center"
    /// The model the caller asked for (the configured name; for a downgraded call the model it was routed from);
    /// rows list the served model when it differs.
    case model
    /// The model the provider ran (`upstream_model`, or a downgrade's target).
    case servedModel = "served_model"
    case day, week, month

    /// The time grain, for `day`, `week` and `month`.
    public var grain: TimeGrain? { TimeGrain(rawValue: rawValue) }

    /// The attribution dimension grouped by (the names agree), or nil for the key, provider, models and time grains.
    public var attribution: Attribution.Dimension? { Attribution.Dimension(rawValue: rawValue) }
}

/// One line of a spend report.
public struct SpendRow: Sendable, Hashable, Codable {
    /// The group's value (a period label for time grains); `nil` is the unattributed bucket.
    public var group: String?
    /// Served calls: ledger entries governance did not refuse.
    public var calls: Int64 = 0
    /// Calls governance refused (`blocked` entries: budget, rate limit, policy, kill switch); not in ``calls``.
    public var refusedCalls: Int64 = 0
    /// Input tokens (uncached + cache reads + cache writes).
    public var inputTokens: Int64 = 0
    /// Cache-read tokens (part of input).
    public var cachedTokens: Int64 = 0
    /// Output tokens, reasoning included.
    public var outputTokens: Int64 = 0
    /// Known cost in nano-USD (estimated entries included, unpriced ones not).
    public var costNanoUSD: Int64 = 0
    /// Entries whose cost is unknown (unpriced): not included in the cost.
    public var unpricedCalls: Int64 = 0
    /// Entries whose usage was estimated.
    public var estimatedCalls: Int64 = 0
    /// Served calls that failed upstream or were cancelled.
    public var failedCalls: Int64 = 0
    /// For `--by model`: the served models of the group's calls, sorted.
    public var servedModels: [String] = []
    /// For time grains: the period's first day, `YYYY-MM-DD`.
    public var periodStart: String?

    /// Creates a row.
    public init(
        group: String?, calls: Int64 = 0, refusedCalls: Int64 = 0, inputTokens: Int64 = 0, cachedTokens: Int64 = 0, outputTokens: Int64 = 0,
        costNanoUSD: Int64 = 0, unpricedCalls: Int64 = 0, estimatedCalls: Int64 = 0, failedCalls: Int64 = 0, servedModels: [String] = [],
        periodStart: String? = nil
    ) {
        self.group = group
        self.calls = calls
        self.refusedCalls = refusedCalls
        self.inputTokens = inputTokens
        self.cachedTokens = cachedTokens
        self.outputTokens = outputTokens
        self.costNanoUSD = costNanoUSD
        self.unpricedCalls = unpricedCalls
        self.estimatedCalls = estimatedCalls
        self.failedCalls = failedCalls
        self.servedModels = servedModels
        self.periodStart = periodStart
    }

    /// Whether the cost is complete, a lower bound, or unknown.
    public var knowledge: CostKnowledge { CostKnowledge.of(calls: calls, unpricedCalls: unpricedCalls) }

    /// Adds another row's figures (for merging days into weeks and months).
    public mutating func add(_ o: SpendRow) {
        calls += o.calls
        refusedCalls += o.refusedCalls
        inputTokens += o.inputTokens
        cachedTokens += o.cachedTokens
        outputTokens += o.outputTokens
        costNanoUSD += o.costNanoUSD
        unpricedCalls += o.unpricedCalls
        estimatedCalls += o.estimatedCalls
        failedCalls += o.failedCalls
    }
}
