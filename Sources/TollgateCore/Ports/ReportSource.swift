/// The report-query port: the aggregate reads every report is built from, for the CLI, the exports and the dashboard.
///
/// An implementation answers from its rollups (or the ledger) and nothing else; what a report does with the answers
/// (unit economics, KPIs, chargeback, budget variance) is written once, over this port, in
/// `ReportSource+Reports.swift`, so every store gets the same reports.
public protocol ReportSource: SpendSource {
    /// Spend over `period`, grouped by zero, one or two dimensions (and by a time grain when given).
    /// - Returns: One group per distinct combination; nil keys are the unattributed bucket. With a grain, `keys[0]` is
    ///   the period's label (`2026-11-12`, `2026-W46`, `2026-11`) and the dimensions follow.
    /// - Throws: ``ReportError`` for a grouping or period the store cannot answer exactly.
    func spend(groupedBy dimensions: [ReportDimension], period: ReportPeriod, grain: TimeGrain?) async throws -> [GroupedSpend]
    /// Spend over `period`, ungrouped.
    func spendTotal(period: ReportPeriod) async throws -> SpendMeasures
    /// Outcomes reported in `[startMs, endMs)`, by the dimension of the calls they name (one nil-keyed group when
    /// `dimension` is nil).
    func outcomeTotals(by dimension: ReportDimension?, startMs: Int64, endMs: Int64) async throws -> [String?: OutcomeTotals]
    /// Outcomes in `[startMs, endMs)` that name no call in the ledger.
    func unmatchedOutcomeCount(startMs: Int64, endMs: Int64) async throws -> Int
    /// Spend grouped by one dimension over `[sinceMs, untilMs)`, read from the entries: largest cost first, or for a
    /// time grain one row per period of the window in order (periods with no calls included, as zeros).
    func spend(by dimension: SpendDimension, sinceMs: Int64, untilMs: Int64) async throws -> [SpendRow]
    /// What the levers saved over `period`, grouped: each entry's cost and its own saving, largest saving first.
    func savings(by grouping: SavingsGrouping, period: ReportPeriod) async throws -> [SavingsRow]
    /// The timestamps (ms) of the oldest and newest entries, nil for an empty ledger.
    func coverage() async throws -> (firstMs: Int64, lastMs: Int64)?
}
