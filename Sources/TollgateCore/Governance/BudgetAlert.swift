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
