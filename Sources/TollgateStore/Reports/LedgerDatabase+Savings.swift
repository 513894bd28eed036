import GRDB
public import TollgateCore

extension SavingsGrouping {
    /// The SQL expression of the ledger column the grouping reads.
    var column: String {
        switch self {
        case .workflow: "workflow"
        case .team: "team"
        case .model: "requestedModel"
        case .lever: "lever"
        }
    }
}

extension LedgerDatabase {
    /// What the levers saved over `period`, grouped, read from the entries (each entry's cost and its own
    /// saving); largest saving first.
    public func savings(by grouping: SavingsGrouping, period: ReportPeriod) async throws -> [SavingsRow] {
        try await writer.read { db in
            let sql = """
                SELECT NULLIF(\(grouping.column), '') AS grp,
                       COUNT(*) AS calls,
                       SUM(lever IS NOT NULL) AS leverCalls,
                       SUM(status = 'cached') AS hits,
                       SUM(COALESCE(costNano, 0)) AS actual,
                       SUM(COALESCE(savedNano, 0)) AS saved,
                       SUM(costNano IS NULL) AS unpriced,
                       SUM(lever IS NOT NULL AND savedNano IS NULL) AS unpricedSavings
                FROM ledgerEntry
                WHERE ts >= ? AND ts < ? AND status <> 'blocked'
                GROUP BY grp
                ORDER BY saved DESC, actual DESC, grp
                """
            return try Row.fetchAll(db, sql: sql, arguments: [period.startMs, period.endMs]).map { row in
                SavingsRow(
                    group: row["grp"], calls: row["calls"], leverCalls: row["leverCalls"], cacheHits: row["hits"], actualNanoUSD: row["actual"],
                    savedNanoUSD: row["saved"], unpricedCalls: row["unpriced"], unpricedSavings: row["unpricedSavings"])
            }
        }
    }
}
