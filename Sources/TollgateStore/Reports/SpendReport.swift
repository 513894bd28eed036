import GRDB
import TollgateCore

/// A dimension spend can be grouped by.
public enum SpendDimension: String, Sendable, CaseIterable {
    case team, app, workflow, model, customer, provider, environment, key
    case costCenter = "cost_center"

    var column: String {
        switch self {
        case .team: "team"
        case .app: "app"
        case .workflow: "workflow"
        case .model: "requestedModel"
        case .customer: "customer"
        case .provider: "provider"
        case .environment: "environment"
        case .key: "keyId"
        case .costCenter: "costCenter"
        }
    }
}

/// One line of a spend report.
public struct SpendRow: Sendable, Hashable, Codable {
    /// The group's value; `nil` is the unattributed bucket.
    public var group: String?
    /// Calls (ledger entries).
    public var calls: Int64
    /// Input tokens (uncached + cache reads + cache writes).
    public var inputTokens: Int64
    /// Cache-read tokens (part of input).
    public var cachedTokens: Int64
    /// Output tokens.
    public var outputTokens: Int64
    /// Priced cost in nano-USD (estimated entries included).
    public var costNanoUSD: Int64
    /// Entries whose cost is unknown (unpriced): not included in the cost.
    public var unpricedCalls: Int64
    /// Entries whose usage was estimated.
    public var estimatedCalls: Int64
    /// Entries that failed upstream or were cancelled.
    public var failedCalls: Int64
}

extension LedgerDatabase {
    /// Spend grouped by one dimension over `[sinceMs, untilMs)`, largest cost first.
    public func spend(by dimension: SpendDimension, sinceMs: Int64, untilMs: Int64) throws -> [SpendRow] {
        try writer.read { db in
            let sql = """
                SELECT \(dimension.column) AS grp,
                       COUNT(*) AS calls,
                       SUM(inputUncached + cacheRead + cacheWrite5m + cacheWrite1h) AS input,
                       SUM(cacheRead) AS cached,
                       SUM(output) AS output,
                       SUM(COALESCE(costNano, 0)) AS cost,
                       SUM(costNano IS NULL) AS unpriced,
                       SUM(usageSource = 'estimated') AS estimated,
                       SUM(status NOT IN ('ok', 'cached')) AS failed
                FROM ledgerEntry
                WHERE ts >= ? AND ts < ?
                GROUP BY grp
                ORDER BY cost DESC, calls DESC, grp
                """
            return try Row.fetchAll(db, sql: sql, arguments: [sinceMs, untilMs]).map { row in
                SpendRow(
                    group: row["grp"], calls: row["calls"], inputTokens: row["input"] ?? 0, cachedTokens: row["cached"] ?? 0,
                    outputTokens: row["output"] ?? 0, costNanoUSD: row["cost"] ?? 0, unpricedCalls: row["unpriced"] ?? 0,
                    estimatedCalls: row["estimated"] ?? 0, failedCalls: row["failed"] ?? 0)
            }
        }
    }
}
