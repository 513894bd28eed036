import GRDB

extension LedgerDatabase {
    /// Governance: what governance did to each entry, virtual keys, the admin audit trail,
    /// budget alert events and kill switches set through the admin API.
    static func registerGovernanceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: governance") { db in
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN routedFrom TEXT")
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN governance TEXT")
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN redactions INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "ALTER TABLE ledgerEntry ADD COLUMN tags TEXT")
            try db.execute(
                sql: """
                    CREATE TABLE virtualKey (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        secretHash TEXT NOT NULL UNIQUE,
                        hint TEXT NOT NULL,
                        org TEXT, team TEXT, app TEXT, environment TEXT, costCenter TEXT, workflow TEXT,
                        allowedModels TEXT,
                        allowOverride INTEGER NOT NULL,
                        createdAt INTEGER NOT NULL,
                        expiresAt INTEGER,
                        revokedAt INTEGER,
                        rotatedAt INTEGER
                    ) STRICT
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE auditEvent (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        ts INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        before TEXT,
                        after TEXT
                    ) STRICT
                    """)
            try createEventTables(db)
        }
    }

    /// The budget alert events and the kill switches set through the admin API (part of "v2: governance").
    static func createEventTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE budgetEvent (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    ts INTEGER NOT NULL,
                    budget TEXT NOT NULL,
                    scopeKey TEXT NOT NULL,
                    period TEXT NOT NULL,
                    periodStart INTEGER NOT NULL,
                    threshold INTEGER NOT NULL,
                    spentNano INTEGER NOT NULL,
                    limitNano INTEGER NOT NULL,
                    UNIQUE (budget, scopeKey, periodStart, threshold)
                ) STRICT
                """)
        try db.execute(
            sql: """
                CREATE TABLE killSwitch (
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    byWhom TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (kind, name)
                ) STRICT
                """)
    }
}
