import GRDB
public import TollgateCore

extension LedgerDatabase: ReportSource {
    /// Spend over `period`, grouped by zero, one or two dimensions (and by a time grain when given), read from the
    /// rollups; refused calls (``SpendMeasures/refusedCalls``) are counted from the ledger's `blocked` entries.
    ///
    /// Periods of whole UTC days read the daily rollup, others the hourly one. `customer` is rolled up per day
    /// (with team and workflow) rather than per hour, so a grouping that includes customer may pair it only with
    /// team or workflow, and needs a day-aligned period; so does a time grain.
    /// - Returns: One group per distinct combination; `''` in the rollup comes back as nil (unattributed). With a
    ///   grain, `keys[0]` is the period's label (`2026-11-12`, `2026-W46`, `2026-11`) and the dimensions follow.
    public func spend(groupedBy dimensions: [ReportDimension], period: ReportPeriod, grain: TimeGrain?) async throws -> [GroupedSpend] {
        let useCustomerTable = dimensions.contains(.customer)
        let wholeDays = period.startMs % 86_400_000 == 0 && period.endMs % 86_400_000 == 0
        let table = useCustomerTable || grain != nil ? Self.rollups[useCustomerTable ? 2 : 1] : wholeDays ? Self.rollups[1] : Self.rollups[0]
        if useCustomerTable {
            for d in dimensions where ![.customer, .team, .workflow].contains(d) {
                throw ReportError("customer can be grouped together only with team or workflow, not \(d.rawValue)")
            }
        }
        guard period.startMs % table.bucketMs == 0, period.endMs % table.bucketMs == 0 else {
            throw ReportError("the period must start and end on whole \(table.bucket)s (UTC)")
        }
        let columns = dimensions.map { $0 == .model ? "servedModel" : Self.ledgerColumn($0) }
        let keys = (grain == nil ? [] : ["CAST(day AS TEXT) AS kt"]) + columns.enumerated().map { "NULLIF(\($1), '') AS k\($0)" }
        let sql = """
            SELECT \((keys + [Self.measureSQL]).joined(separator: ", "))
            FROM \(table.table) WHERE \(table.bucket) >= ? AND \(table.bucket) < ?
            \(keys.isEmpty ? "" : "GROUP BY " + (1...keys.count).map(String.init).joined(separator: ", "))
            """
        var groups: [[String?]: SpendMeasures] = try await writer.read { db in
            var out: [[String?]: SpendMeasures] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [period.startMs / table.bucketMs, period.endMs / table.bucketMs])
            while let row = try rows.next() {
                let measures = Self.measures(row)
                if dimensions.isEmpty && grain == nil && measures.calls == 0 { continue }
                try out[Self.groupKey(row, dimensions.count, grain), default: SpendMeasures()].add(measures)
            }
            return out
        }
        for (key, refused) in try await refusedCalls(columns: dimensions.map(Self.ledgerColumn), period: period, grain: grain) {
            groups[key, default: SpendMeasures()].refusedCalls += refused
        }
        return groups.map { GroupedSpend(keys: $0.key, measures: $0.value) }
    }

    /// A result row's group key: the grain's period label (when grouping by time), then one value per dimension.
    static func groupKey(_ row: Row, _ count: Int, _ grain: TimeGrain?) -> [String?] {
        let dims: [String?] = (0..<count).map { row["k\($0)"] }
        guard let grain else { return dims }
        let day: String? = row["kt"]
        return [day.flatMap { Int64($0) }.map { grain.bucket(containing: $0).label }] + dims
    }

    /// A partial index of the refused (`blocked`) entries by time: reports count refusals from the entries (the
    /// rollups do not), and with it they read only the refusals of the period, never every entry.
    static func registerRefusalIndex(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reports: refused entries by time") { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS ledgerEntry_refused ON ledgerEntry(ts) WHERE status = 'blocked'")
        }
    }

    /// Refused (`blocked`) entries over `period` by the given ledger columns (and time grain), from the ledger itself:
    /// the rollups do not count them.
    func refusedCalls(columns: [String], period: ReportPeriod, grain: TimeGrain?) async throws -> [[String?]: Int64] {
        let keys = (grain == nil ? [] : ["CAST(ts / 86400000 AS TEXT) AS kt"]) + columns.enumerated().map { "NULLIF(\($1), '') AS k\($0)" }
        let sql = """
            SELECT \((keys + ["COUNT(*) AS refused"]).joined(separator: ", "))
            FROM ledgerEntry WHERE status = 'blocked' AND ts >= ? AND ts < ?
            \(keys.isEmpty ? "" : "GROUP BY " + (1...keys.count).map(String.init).joined(separator: ", "))
            """
        return try await writer.read { db in
            var out: [[String?]: Int64] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: [period.startMs, period.endMs]) {
                let refused: Int64 = row["refused"] ?? 0
                if refused > 0 { out[Self.groupKey(row, columns.count, grain), default: 0] += refused }
            }
            return out
        }
    }

    /// Total spend over `period`.
    public func spendTotal(period: ReportPeriod) async throws -> SpendMeasures {
        try await spend(groupedBy: [], period: period, grain: nil).first?.measures ?? SpendMeasures()
    }

    static let measureSQL = """
        COALESCE(SUM(calls), 0) AS calls, SUM(inputUncached) AS inputUncached, SUM(cacheRead) AS cacheRead,
        SUM(cacheWrite) AS cacheWrite, SUM(output) AS output, SUM(reasoning) AS reasoning, SUM(costNano) AS costNano,
        SUM(costInputNano) AS costInputNano, SUM(unpricedCalls) AS unpricedCalls, SUM(estimatedCalls) AS estimatedCalls,
        SUM(failedCalls) AS failedCalls, SUM(CASE WHEN workflow <> '' THEN costNano ELSE 0 END) AS workflowCost,
        SUM(fullCalls) AS fullCalls
        """

    static func measures(_ row: Row) -> SpendMeasures {
        SpendMeasures(
            calls: row["calls"] ?? 0, inputUncached: row["inputUncached"] ?? 0, cacheRead: row["cacheRead"] ?? 0,
            cacheWrite: row["cacheWrite"] ?? 0, output: row["output"] ?? 0, reasoning: row["reasoning"] ?? 0,
            costNanoUSD: row["costNano"] ?? 0, inputCostNanoUSD: row["costInputNano"] ?? 0, unpricedCalls: row["unpricedCalls"] ?? 0,
            estimatedCalls: row["estimatedCalls"] ?? 0, failedCalls: row["failedCalls"] ?? 0,
            workflowTaggedCostNanoUSD: row["workflowCost"] ?? 0, fullyAttributedCalls: row["fullCalls"] ?? 0)
    }
}

extension LedgerDatabase {
    /// Rows in the rollup tables (hourly, daily, customer daily), for benchmarks and operations.
    public func rollupRowCounts() async throws -> (hourly: Int, daily: Int, customerDaily: Int) {
        try await writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spendHourly") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spendDaily") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spendCustomerDaily") ?? 0
            )
        }
    }

    /// Refreshes the query planner's statistics (after a bulk load).
    public func analyze() async throws {
        try await writer.write { db in try db.execute(sql: "ANALYZE") }
    }
}
