import Foundation
import GRDB

/// Migration v2: the `outcome` table and the spend rollups, kept by a trigger on `ledgerEntry`.
///
/// The rollups are maintained *inside SQLite* by an `AFTER INSERT` trigger, so every insert path (the
/// write-behind journal, crash recovery, imports, tools) keeps them consistent without code changes, in the
/// same transaction as the entry. `INSERT OR IGNORE` of an existing id inserts nothing and so rolls up nothing.
/// A missing dimension value is stored as `''` (rollup keys must be non-NULL to merge); reports read `''`
/// back as the unattributed bucket.
extension LedgerDatabase {
    /// Rollup tables: name, time bucket expression, dimension columns (rollup column, ledger column).
    ///
    /// - `spendHourly`: hour × every attribution dimension but customer, provider, served model, status, pricing status.
    /// - `spendDaily`: the same dimensions per day, so reports over whole days (every CLI period) read 24× fewer rows.
    /// - `spendCustomerDaily`: day × customer, team, workflow (customers are too many to cross with everything per hour).
    static let rollups: [(table: String, bucket: String, bucketMs: Int64, dimensions: [(String, String)])] = [
        ("spendHourly", "hour", 3_600_000, rollupDimensions),
        ("spendDaily", "day", 86_400_000, rollupDimensions),
        ("spendCustomerDaily", "day", 86_400_000, [("customer", "customer"), ("team", "team"), ("workflow", "workflow")]),
    ]

    static let rollupDimensions = [
        ("team", "team"), ("app", "app"), ("workflow", "workflow"), ("environment", "environment"), ("costCenter", "costCenter"),
        ("provider", "provider"), ("servedModel", "servedModel"), ("status", "status"), ("pricing", "pricing"),
    ]

    /// Rollup measures: column and its value for one entry (`NEW.` is replaced by the row source).
    static let rollupMeasures: [(String, String)] = [
        ("calls", "NEW.status <> 'blocked'"),
        ("inputUncached", "NEW.inputUncached"),
        ("cacheRead", "NEW.cacheRead"),
        ("cacheWrite", "NEW.cacheWrite5m + NEW.cacheWrite1h"),
        ("output", "NEW.output"),
        ("reasoning", "NEW.reasoning"),
        ("costNano", "COALESCE(NEW.costNano, 0)"),
        ("costInputNano", "CASE WHEN NEW.costNano IS NULL THEN 0 ELSE NEW.costInputNano + NEW.costCacheReadNano + NEW.costCacheWriteNano END"),
        ("unpricedCalls", "NEW.costNano IS NULL"),
        ("estimatedCalls", "NEW.usageSource = 'estimated'"),
        ("failedCalls", "NEW.status NOT IN ('ok', 'cached', 'blocked')"),
        (
            "fullCalls",
            "NEW.status <> 'blocked' AND COALESCE(NEW.team, '') <> '' AND COALESCE(NEW.app, '') <> '' AND COALESCE(NEW.workflow, '') <> '' "
                + "AND COALESCE(NEW.environment, '') <> '' AND COALESCE(NEW.costCenter, '') <> ''"
        ),
    ]

    static func registerAnalyticsSchema(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: outcomes and rollups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outcome (
                        id TEXT PRIMARY KEY NOT NULL,
                        requestId TEXT,
                        traceId TEXT,
                        workflow TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL,
                        valueNano INTEGER,
                        quality REAL,
                        humanReviewed INTEGER,
                        occurredAt INTEGER NOT NULL,
                        receivedAt INTEGER NOT NULL
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX outcome_occurredAt ON outcome(occurredAt)")
            try db.execute(sql: "CREATE INDEX outcome_requestId ON outcome(requestId) WHERE requestId IS NOT NULL")
            try db.execute(sql: "CREATE INDEX outcome_traceId ON outcome(traceId) WHERE traceId IS NOT NULL")

            for rollup in rollups {
                let dims = rollup.dimensions.map(\.0)
                let key = [rollup.bucket] + dims
                try db.execute(
                    sql: """
                        CREATE TABLE \(rollup.table) (
                            \(rollup.bucket) INTEGER NOT NULL,
                            \(dims.map { "\($0) TEXT NOT NULL" }.joined(separator: ",\n"))
                            ,\(rollupMeasures.map { "\($0.0) INTEGER NOT NULL" }.joined(separator: ",\n"))
                            ,PRIMARY KEY (\(key.joined(separator: ", ")))
                        ) STRICT, WITHOUT ROWID
                        """)
                // Backfill from the entries already in the ledger.
                let (columns, values) = rollupColumnsAndValues(rollup)
                let select = values.map { $0.replacingOccurrences(of: "NEW.", with: "") }
                let aggregates = select.enumerated().map { i, expression in i < key.count ? expression : "SUM(\(expression))" }
                try db.execute(
                    sql: "INSERT INTO \(rollup.table) (\(columns)) SELECT \(aggregates.joined(separator: ", ")) FROM ledgerEntry "
                        + "GROUP BY \((1...key.count).map(String.init).joined(separator: ", "))")
            }
            try db.execute(sql: rollupTriggerSQL)
        }
    }

    static func rollupColumnsAndValues(_ rollup: (table: String, bucket: String, bucketMs: Int64, dimensions: [(String, String)])) -> (String, [String]) {
        let key = [rollup.bucket] + rollup.dimensions.map(\.0)
        let columns = (key + rollupMeasures.map(\.0)).joined(separator: ", ")
        let values = ["NEW.ts / \(rollup.bucketMs)"] + rollup.dimensions.map { "COALESCE(NEW.\($0.1), '')" } + rollupMeasures.map(\.1)
        return (columns, values)
    }

    /// The trigger that adds each new entry to every rollup (an upsert per rollup table).
    static var rollupTriggerSQL: String {
        var body: [String] = []
        for rollup in rollups {
            let key = [rollup.bucket] + rollup.dimensions.map(\.0)
            let (columns, values) = rollupColumnsAndValues(rollup)
            let update = rollupMeasures.map { "\($0.0) = \($0.0) + excluded.\($0.0)" }.joined(separator: ", ")
            body.append(
                "INSERT INTO \(rollup.table) (\(columns)) VALUES (\(values.joined(separator: ", "))) "
                    + "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(update);")
        }
        return "CREATE TRIGGER ledgerEntry_rollup AFTER INSERT ON ledgerEntry BEGIN\n\(body.joined(separator: "\n"))\nEND"
    }

    /// Drops or restores the rollup trigger. Only for measuring its ingest cost (`bench-reports --compare-ingest`):
    /// entries written while it is off are missing from the rollups.
    public func setRollupTrigger(enabled: Bool) throws {
        try writer.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS ledgerEntry_rollup")
            if enabled { try db.execute(sql: Self.rollupTriggerSQL) }
        }
    }
}
