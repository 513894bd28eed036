import Foundation
import GRDB
public import TollgateCore

extension LedgerDatabase: EntryStore, LedgerReader {
    @discardableResult
    public func write(entries: [LedgerEntry]) async throws -> Int {
        // Not `writer.write`: a cancelled task's batch must still be written, so the write is handed to the writer's
        // queue whatever the caller's cancellation state, and awaited without blocking a thread.
        try await withCheckedThrowingContinuation { continuation in
            writer.asyncWrite({ db in try Self.insert(db, entries: entries) }) { _, result in
                continuation.resume(with: result)
            }
        }
    }

    /// Inserts entries and adds them to the rollups; the only way entries enter the ledger. An entry whose id is
    /// already recorded is skipped (the first one stays).
    /// - Returns: How many entries were inserted.
    @discardableResult
    static func insert(_ db: Database, entries: [LedgerEntry]) throws -> Int {
        guard !entries.isEmpty else { return 0 }
        let before = try lastRowID(db)
        let insert = try db.cachedStatement(sql: insertSQL)
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
    public func recover(_ admissions: [Admission], pricer: LedgerPricer, nowMs: Int64) async throws -> Int {
        guard !admissions.isEmpty else { return 0 }
        let entries = admissions.map { LedgerEntry.interrupted($0, at: nowMs, pricer: pricer) }
        return try await write(entries: entries)
    }

    public func entryCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledgerEntry") ?? 0 }
    }

    public func entry(id: String) async throws -> LedgerEntry? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM ledgerEntry WHERE id = ?", arguments: [id]).map(Self.entry) }
    }

    public func entries(afterSequence sequence: Int64, limit: Int) async throws -> EntryPage {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid AS _rowid, * FROM ledgerEntry WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [sequence, limit])
            return Self.page(rows)
        }
    }

    public func entries(sinceMs: Int64, untilMs: Int64, after position: EntryPosition?, limit: Int) async throws -> EntryPage {
        try await writer.read { db in
            let after = position ?? EntryPosition(timestampMs: sinceMs, sequence: 0)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid AS _rowid, * FROM ledgerEntry
                    WHERE ts >= ? AND ts < ? AND (ts > ? OR (ts = ? AND rowid > ?))
                    ORDER BY ts, rowid LIMIT ?
                    """,
                arguments: [sinceMs, untilMs, after.timestampMs, after.timestampMs, after.sequence, limit])
            return Self.page(rows)
        }
    }

    static func page(_ rows: [Row]) -> EntryPage {
        EntryPage(entries: rows.map(Self.entry), last: rows.last.map { EntryPosition(timestampMs: $0["ts"], sequence: $0["_rowid"]) })
    }

    public func entries(chainedTo parentID: String) async throws -> [LedgerEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledgerEntry WHERE parentId = ? ORDER BY ts, rowid", arguments: [parentID]).map(Self.entry)
        }
    }

    public func lastSequence() async throws -> Int64 {
        try await writer.read(Self.lastRowID)
    }

    static func lastRowID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(rowid) FROM ledgerEntry")) ?? 0
    }

    public func latestEntries(limit: Int) async throws -> [LedgerEntry] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM (SELECT rowid AS r, * FROM ledgerEntry ORDER BY rowid DESC LIMIT ?) ORDER BY r", arguments: [limit]
            )
            .map(Self.entry)
        }
    }

    /// The ledger's columns in insert order; the attribution's follow ``Attribution/Dimension``.
    static let columns =
        [
            "id", "ts", "durationMs", "ttftMs", "route", "provider", "requestedModel", "servedModel", "stream", "status",
            "httpStatus", "inputUncached", "cacheRead", "cacheWrite5m", "cacheWrite1h", "output", "reasoning", "usageSource",
            "pricing", "costNano", "costInputNano", "costCacheReadNano", "costCacheWriteNano", "costOutputNano",
            "costReasoningNano", "priceVersion", "keyId",
        ] + Attribution.Dimension.allCases.map(\.column)
        + [
            "declared", "attemptCount", "attempts", "clientRetryCount", "error", "routedFrom", "governance", "redactions", "tags",
            "priceModel", "parentId", "lever", "savedNano", "sourceId", "leversVersion",
            "leverRule", "savedEstimated",
        ]

    static let insertSQL =
        "INSERT OR IGNORE INTO ledgerEntry (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

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
        var entry = callEntry(row)
        entry.lever = row["lever"]
        entry.savedNanoUSD = row["savedNano"]
        entry.sourceID = row["sourceId"]
        entry.leversVersion = row["leversVersion"]
        entry.leverRule = row["leverRule"]
        entry.savedEstimated = (row["savedEstimated"] as Int64?).map { $0 != 0 }
        return entry
    }

    /// The entry's call, usage, cost, attribution and outcome columns.
    private static func callEntry(_ row: Row) -> LedgerEntry {
        let declared = Set((row["declared"] as String? ?? "").split(separator: ",").compactMap { Attribution.Dimension(rawValue: String($0)) })
        var attribution = Attribution(
            keyID: row["keyId"], declared: declared,
            tags: (row["tags"] as String?).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        )
        for dimension in Attribution.Dimension.allCases { attribution[dimension] = row[dimension.column] }
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
            governance: row["governance"], redactions: row["redactions"] ?? 0, priceModel: row["priceModel"], parentID: row["parentId"]
        )
    }
}
