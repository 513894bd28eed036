import Foundation
import GRDB

/// Migrations v3 and v4: the `outcome` table and the spend rollups.
///
/// The rollups are maintained by the one insert path every entry takes (``LedgerDatabase/insert(_:entries:)``:
/// the write-behind journal, crash recovery, imports, tools), in the same transaction as the entries:
/// after a batch is inserted, each rollup table gets one aggregated upsert of the rows that batch
/// added (`rowid` above the batch's starting point), so a batch of a thousand calls costs a handful of
/// upserts, not three per call. `INSERT OR IGNORE` of an existing id inserts no row and so rolls up
/// nothing. A missing dimension value is stored as `''` (rollup keys must be non-NULL to merge);
/// reports read `''` back as the unattributed bucket.
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

    /// Rollup measures: column and its value for one entry (summed per rollup key).
    static let rollupMeasures: [(String, String)] = [
        ("calls", "status <> 'blocked'"),
        ("inputUncached", "inputUncached"),
        ("cacheRead", "cacheRead"),
        ("cacheWrite", "cacheWrite5m + cacheWrite1h"),
        ("output", "output"),
        ("reasoning", "reasoning"),
        ("costNano", "COALESCE(costNano, 0)"),
        ("costInputNano", "CASE WHEN costNano IS NULL THEN 0 ELSE costInputNano + costCacheReadNano + costCacheWriteNano END"),
        ("unpricedCalls", "costNano IS NULL"),
        ("estimatedCalls", "usageSource = 'estimated'"),
        ("failedCalls", "status NOT IN ('ok', 'cached', 'blocked')"),
        (
            "fullCalls",
            "status <> 'blocked' AND COALESCE(team, '') <> '' AND COALESCE(app, '') <> '' AND COALESCE(workflow, '') <> '' "
                + "AND COALESCE(environment, '') <> '' AND COALESCE(costCenter, '') <> ''"
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
            }
            // Backfill from the entries already in the ledger.
            try rollUp(db, afterRowID: 0)
        }
        migrator.registerMigration("v4: rollups per batch") { db in
            // v3 kept the rollups with a trigger (three upserts per entry); the insert path now does it per batch.
            try db.execute(sql: "DROP TRIGGER IF EXISTS ledgerEntry_rollup")
        }
    }

    /// Adds the entries with a row id above `afterRowID` to every rollup: one aggregated upsert per table.
    static func rollUp(_ db: Database, afterRowID: Int64) throws {
        for sql in rollupSQL {
            try db.cachedStatement(sql: sql).execute(arguments: [afterRowID])
        }
    }

    /// Per rollup table: `INSERT ... SELECT` the new entries grouped by the rollup key, adding to existing rows.
    static let rollupSQL: [String] = rollups.map { rollup in
        let key = [rollup.bucket] + rollup.dimensions.map(\.0)
        let columns = (key + rollupMeasures.map(\.0)).joined(separator: ", ")
        let values = ["ts / \(rollup.bucketMs)"] + rollup.dimensions.map { "COALESCE(\($0.1), '')" } + rollupMeasures.map { "SUM(\($0.1))" }
        let update = rollupMeasures.map { "\($0.0) = \($0.0) + excluded.\($0.0)" }.joined(separator: ", ")
        return "INSERT INTO \(rollup.table) (\(columns)) SELECT \(values.joined(separator: ", ")) FROM ledgerEntry WHERE rowid > ? "
            + "GROUP BY \((1...key.count).map(String.init).joined(separator: ", ")) "
            + "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(update)"
    }
}
