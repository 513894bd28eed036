import GRDB
public import TollgateCore

extension SpendDimension {
    /// The SQL expression of the ledger column the dimension groups by.
    var column: String {
        switch self {
        case .model: "COALESCE(NULLIF(routedFrom, ''), requestedModel)"
        case .servedModel: "servedModel"
        case .provider: "provider"
        case .key: "keyId"
        case .day, .week, .month: "CAST(ts / 86400000 AS TEXT)"
        default: attribution?.column ?? "NULL"
        }
    }
}

extension LedgerDatabase {
    /// Spend grouped by one dimension over `[sinceMs, untilMs)`: largest cost first, or for a time grain one row per
    /// period of the window in order (periods with no calls included, as zeros).
    public func spend(by dimension: SpendDimension, sinceMs: Int64, untilMs: Int64) async throws -> [SpendRow] {
        let rows = try await writer.read { db in
            let sql = """
                SELECT \(dimension.column) AS grp,
                       SUM(status <> 'blocked') AS calls,
                       SUM(status = 'blocked') AS refused,
                       SUM(inputUncached + cacheRead + cacheWrite5m + cacheWrite1h) AS input,
                       SUM(cacheRead) AS cached,
                       SUM(output) AS output,
                       SUM(COALESCE(costNano, 0)) AS cost,
                       SUM(costNano IS NULL) AS unpriced,
                       SUM(usageSource = 'estimated') AS estimated,
                       SUM(status NOT IN ('ok', 'cached', 'blocked')) AS failed,
                       GROUP_CONCAT(DISTINCT servedModel) AS served
                FROM ledgerEntry
                WHERE ts >= ? AND ts < ?
                GROUP BY grp
                ORDER BY cost DESC, calls DESC, grp
                """
            return try Row.fetchAll(db, sql: sql, arguments: [sinceMs, untilMs]).map { row in
                let served: String? = row["served"]
                return SpendRow(
                    group: row["grp"], calls: row["calls"] ?? 0, refusedCalls: row["refused"] ?? 0, inputTokens: row["input"] ?? 0,
                    cachedTokens: row["cached"] ?? 0, outputTokens: row["output"] ?? 0, costNanoUSD: row["cost"] ?? 0,
                    unpricedCalls: row["unpriced"] ?? 0, estimatedCalls: row["estimated"] ?? 0, failedCalls: row["failed"] ?? 0,
                    servedModels: dimension == .model ? (served ?? "").split(separator: ",").map(String.init).sorted() : [])
            }
        }
        guard let grain = dimension.grain else { return rows }
        return Self.merge(days: rows, grain: grain, fromDay: sinceMs / 86_400_000, toDay: (untilMs + 86_399_999) / 86_400_000)
    }

    /// Day rows (group = day index) merged into the grain's periods over `[fromDay, toDay)`, every period present.
    static func merge(days: [SpendRow], grain: TimeGrain, fromDay: Int64, toDay: Int64) -> [SpendRow] {
        let buckets = grain.buckets(fromDay: fromDay, toDay: toDay)
        var byStart: [Int64: SpendRow] = [:]
        for b in buckets { byStart[b.startDay] = SpendRow(group: b.label, periodStart: b.startDate) }
        for row in days {
            guard let day = row.group.flatMap({ Int64($0) }) else { continue }
            let b = grain.bucket(containing: day)
            byStart[b.startDay, default: SpendRow(group: b.label, periodStart: b.startDate)].add(row)
        }
        return byStart.keys.sorted().map { byStart[$0]! }
    }

    /// The timestamps (ms) of the oldest and newest entries, nil for an empty ledger.
    public func coverage() async throws -> (firstMs: Int64, lastMs: Int64)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(ts) AS a, MAX(ts) AS b FROM ledgerEntry"),
                let first: Int64 = row["a"], let last: Int64 = row["b"]
            else { return nil }
            return (first, last)
        }
    }
}
