import Foundation
import GRDB
public import TollgateCore

extension LedgerDatabase {
    /// Writes entries in one transaction.
    public func write(entries: [LedgerEntry]) async throws {
        _ = try await writer.write { db in try Self.insert(db, entries: entries) }
    }

    /// Synchronous form of ``write(entries:)`` for tools, shutdown, recovery and tests.
    /// - Parameter ignoringExisting: Skip entries whose id is already recorded instead of failing.
    /// - Returns: How many entries were written.
    @discardableResult
    public func writeNow(entries: [LedgerEntry], ignoringExisting: Bool = false) throws -> Int {
        try writer.write { db in try Self.insert(db, entries: entries, ignoreExisting: ignoringExisting) }
    }

    /// Inserts entries and adds them to the rollups; the only way entries enter the ledger.
    /// - Returns: How many entries were inserted.
    @discardableResult
    static func insert(_ db: Database, entries: [LedgerEntry], ignoreExisting: Bool = false) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let before = try lastRowID(db)
        let insert = try db.cachedStatement(sql: ignoreExisting ? insertOrIgnoreSQL : insertSQL)
        var inserted = 0
        for entry in entries {
            try EntryBinder.insert(entry, with: insert)
            inserted += db.changesCount
        }
        if inserted > 0 { try rollUp(db, afterRowID: before) }
        return inserted
    }

    /// Closes admissions a crash left open: each one without an entry gets an `interrupted`,
    /// estimated entry; admissions whose entry was already committed are left alone.
    /// - Returns: How many entries recovery wrote.
    @discardableResult
    public func recover(_ admissions: [Admission], pricer: LedgerPricer, nowMs: Int64) throws -> Int {
        guard !admissions.isEmpty else { return 0 }
        let entries = admissions.map { LedgerEntry.interrupted($0, at: nowMs, pricer: pricer) }
        return try writeNow(entries: entries, ignoringExisting: true)
    }

    /// Number of entries in the ledger.
    public func entryCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledgerEntry") ?? 0 }
    }

    /// One entry by request id.
    public func entry(id: String) throws -> LedgerEntry? {
        try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM ledgerEntry WHERE id = ?", arguments: [id]).map(Self.entry) }
    }

    /// Entries after a row id, oldest first (for `ledger tail`).
    /// - Returns: The entries and the last row id seen.
    public func entries(afterRowID rowID: Int64, limit: Int) throws -> (entries: [LedgerEntry], lastRowID: Int64) {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid AS _rowid, * FROM ledgerEntry WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [rowID, limit])
            let last = rows.last.map { $0["_rowid"] as Int64 } ?? rowID
            return (rows.map(Self.entry), last)
        }
    }

    /// The most recent row id (for starting a tail at the end).
    public func lastRowID() throws -> Int64 {
        try writer.read(Self.lastRowID)
    }

    static func lastRowID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(rowid) FROM ledgerEntry")) ?? 0
    }

    /// The newest `limit` entries, oldest first.
    public func latestEntries(limit: Int) throws -> [LedgerEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM (SELECT rowid AS r, * FROM ledgerEntry ORDER BY rowid DESC LIMIT ?) ORDER BY r", arguments: [limit])
                .map(Self.entry)
        }
    }

    static let columns = [
        "id", "ts", "durationMs", "ttftMs", "route", "provider", "requestedModel", "servedModel", "stream", "status",
        "httpStatus", "inputUncached", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning", "usageSource",
        "pricing", "costNano", "costInputNano", "costCacheReadNano", "costCacheWriteNano", "costOutputNano",
        "costReasoningNano", "priceVersion", "keyId", "org", "team", "app", "environment", "costCenter", "workflow",
        "customer", "user", "promptId", "promptVersion", "traceId", "declared", "attemptCount", "attempts",
        "clientRetryCount", "error", "routedFrom", "governance", "redactions", "tags", "priceModel",
    ]

    static let insertSQL =
        "INSERT INTO ledgerEntry (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    static let insertOrIgnoreSQL = insertSQL.replacingOccurrences(of: "INSERT INTO", with: "INSERT OR IGNORE INTO")

    static func attemptsJSON(_ attempts: [LedgerEntry.Attempt]) -> String {
        var out = "["
        for (i, attempt) in attempts.enumerated() {
            if i > 0 { out += "," }
            out += "{\"status\":\(attempt.status),\"ms\":\(attempt.ms)"
            if let error = attempt.error { out += ",\"error\":" + JSONText.quote(error) }
            out += "}"
        }
        return out + "]"
    }

    static func entry(_ row: Row) -> LedgerEntry {
        let declared = Set((row["declared"] as String? ?? "").split(separator: ",").compactMap { Attribution.Dimension(rawValue: String($0)) })
        let attribution = Attribution(
            keyID: row["keyId"], org: row["org"], team: row["team"], app: row["app"], environment: row["environment"],
            costCenter: row["costCenter"], workflow: row["workflow"], customer: row["customer"], user: row["user"],
            promptID: row["promptId"], promptVersion: row["promptVersion"], traceID: row["traceId"], declared: declared,
            tags: (row["tags"] as String?).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        )
        let attempts = (try? JSONDecoder().decode([LedgerEntry.Attempt].self, from: Data((row["attempts"] as String? ?? "[]").utf8))) ?? []
        return LedgerEntry(
            id: row["id"], timestampMs: row["ts"], durationMs: row["durationMs"], ttftMs: row["ttftMs"], route: row["route"],
            provider: row["provider"], requestedModel: row["requestedModel"], servedModel: row["servedModel"],
            stream: row["stream"], status: LedgerEntry.Status(rawValue: row["status"]) ?? .upstreamError,
            httpStatus: row["httpStatus"],
            usage: TokenUsage(
                inputUncached: row["inputUncached"], cacheRead: row["cacheRead"], cacheWrite5m: row["cacheWrite5m"],
                cacheWrite1h: row["cacheWrite1h"], output: row["output"], reasoning: row["reasoning"]),
            usageSource: LedgerEntry.UsageSource(rawValue: row["usageSource"]) ?? .estimated,
            pricing: LedgerEntry.PricingStatus(rawValue: row["pricing"]) ?? .unpriced, costNanoUSD: row["costNano"],
            costBreakdown: CostBreakdown(
                input: row["costInputNano"], cacheRead: row["costCacheReadNano"], cacheWrite: row["costCacheWriteNano"],
                output: row["costOutputNano"], reasoning: row["costReasoningNano"]),
            priceVersion: row["priceVersion"], attribution: attribution, attempts: attempts,
            clientRetryCount: row["clientRetryCount"], errorMessage: row["error"], routedFrom: row["routedFrom"],
            governance: row["governance"], redactions: row["redactions"] ?? 0, priceModel: row["priceModel"]
        )
    }
}
