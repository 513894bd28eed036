import Foundation
import GRDB
import TollgateCore

/// The ledger database: owns its schema and the queries that keep its invariants.
///
/// Production opens a `DatabasePool` on a file (WAL mode, several readers beside one writer);
/// ``inMemory()`` opens a private in-memory database. GRDB stays inside this module: the rest of Tollgate sees the
/// ports of `TollgateCore/Ports` that this type implements, every one of them asynchronous. Entries are append-only, keyed by request id, so an admitted
/// call has exactly one entry (admissions themselves live in the ``AdmissionLog``).
public struct LedgerDatabase: Sendable {
    /// The underlying writer.
    let writer: any DatabaseWriter

    /// Opens (and migrates) the ledger at `path`.
    /// - Parameters:
    ///   - path: The SQLite file; created (with its directory) if missing.
    ///   - readOnly: Open for reading only (reports, `ledger tail`).
    public static func open(path: String, readOnly: Bool = false) throws -> LedgerDatabase {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !readOnly, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw LedgerOpenError(path: path, reason: "its directory \(directory) could not be created (\(error.localizedDescription))")
            }
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            let reason =
                FileManager.default.isWritableFile(atPath: directory) || readOnly
                ? "SQLite: \(error.message ?? error.resultCode.description)"
                : "the directory \(directory) is not writable"
            throw LedgerOpenError(path: path, reason: reason)
        }
        return try LedgerDatabase(pool, migrate: !readOnly)
    }

    /// A new, empty, migrated ledger in memory (tests, dry runs).
    public static func inMemory() throws -> LedgerDatabase {
        try LedgerDatabase(DatabaseQueue())
    }

    /// Wraps a writer, migrating the schema.
    init(_ writer: any DatabaseWriter, migrate: Bool = true) throws {
        self.writer = writer
        if migrate { try Self.migrator.migrate(writer) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledgerEntry (
                        id TEXT PRIMARY KEY NOT NULL,
                        ts INTEGER NOT NULL,
                        durationMs INTEGER NOT NULL,
                        ttftMs INTEGER,
                        route TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        requestedModel TEXT NOT NULL,
                        servedModel TEXT NOT NULL,
                        stream INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        httpStatus INTEGER NOT NULL,
                        inputUncached INTEGER NOT NULL,
                        cacheRead INTEGER NOT NULL,
                        cacheWrite5m INTEGER NOT NULL,
                        cacheWrite1h INTEGER NOT NULL,
                        output INTEGER NOT NULL,
                        reasoning INTEGER NOT NULL,
                        usageSource TEXT NOT NULL,
                        pricing TEXT NOT NULL,
                        costNano INTEGER,
                        costInputNano INTEGER NOT NULL,
                        costCacheReadNano INTEGER NOT NULL,
                        costCacheWriteNano INTEGER NOT NULL,
                        costOutputNano INTEGER NOT NULL,
                        costReasoningNano INTEGER NOT NULL,
                        priceVersion TEXT,
                        keyId TEXT NOT NULL,
                        org TEXT, team TEXT, app TEXT, environment TEXT, costCenter TEXT,
                        workflow TEXT, customer TEXT, user TEXT,
                        promptId TEXT, promptVersion TEXT, traceId TEXT,
                        declared TEXT NOT NULL,
                        attemptCount INTEGER NOT NULL,
                        attempts TEXT NOT NULL,
                        clientRetryCount INTEGER,
                        error TEXT
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX ledgerEntry_ts ON ledgerEntry(ts)")
            try db.execute(sql: "CREATE INDEX ledgerEntry_trace ON ledgerEntry(traceId) WHERE traceId IS NOT NULL")
            try db.execute(
                sql: """
                    CREATE TABLE priceVersion (
                        id TEXT PRIMARY KEY NOT NULL,
                        source TEXT NOT NULL,
                        sha256 TEXT NOT NULL,
                        importedAt INTEGER NOT NULL,
                        effectiveFrom INTEGER NOT NULL,
                        modelCount INTEGER NOT NULL
                    ) STRICT
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE modelPrice (
                        versionId TEXT NOT NULL REFERENCES priceVersion(id) ON DELETE CASCADE,
                        model TEXT NOT NULL,
                        effectiveFrom INTEGER NOT NULL,
                        price TEXT NOT NULL,
                        PRIMARY KEY (versionId, model)
                    ) STRICT
                    """)
        }
        registerRefusalIndex(&migrator)
        registerGovernanceMigration(&migrator)
        registerAnalyticsSchema(&migrator)
        migrator.registerMigration("v5: price provenance") { db in
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN priceModel TEXT")
        }
        migrator.registerMigration("v6: chained entries") { db in
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN parentId TEXT")
            try db.execute(sql: "CREATE INDEX ledgerEntry_parent ON ledgerEntry(parentId) WHERE parentId IS NOT NULL")
        }
        migrator.registerMigration("v7: levers") { db in
            for column in ["lever TEXT", "savedNano INTEGER", "sourceId TEXT", "leversVersion TEXT"] {
                try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN \(column)")
            }
        }
        migrator.registerMigration("v8: routing") { db in
            for column in ["leverRule TEXT", "savedEstimated INTEGER"] {
                try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN \(column)")
            }
        }
        return migrator
    }
}
