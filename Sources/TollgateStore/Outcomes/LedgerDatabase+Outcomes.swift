import GRDB
public import TollgateCore

extension LedgerDatabase: OutcomeRecorder {
    /// Records outcomes atomically and idempotently (see ``OutcomeRecorder``): a new id is recorded, the same
    /// payload again is a duplicate, a different payload under a known id rejects the whole batch.
    @discardableResult
    public func record(outcomes: [Outcome]) async throws -> OutcomeRecordResult {
        try await writer.write { db in try Self.record(db, outcomes: outcomes) }
    }

    static func record(_ db: Database, outcomes: [Outcome]) throws -> OutcomeRecordResult {
        var accepted = 0
        var duplicates = 0
        let find = try db.cachedStatement(sql: "SELECT * FROM outcome WHERE id = ?")
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO outcome (id, requestId, traceId, workflow, name, status, valueNano, quality, humanReviewed, occurredAt, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for o in outcomes {
            if let existing = try Row.fetchOne(find, arguments: [o.id]).map(outcome) {
                let differing = existing.differingFields(from: o)
                guard differing.isEmpty else { throw OutcomeConflict(id: o.id, fields: differing) }
                duplicates += 1
                continue
            }
            try insert.execute(arguments: [
                o.id, o.requestID, o.traceID, o.workflow, o.name, o.status.rawValue, o.valueNanoUSD, o.quality,
                o.humanReviewed.map { $0 ? 1 : 0 }, o.occurredAtMs, o.receivedAtMs,
            ])
            accepted += 1
        }
        return OutcomeRecordResult(accepted: accepted, duplicates: duplicates)
    }

    static func outcome(_ row: Row) -> Outcome {
        Outcome(
            id: row["id"], requestID: row["requestId"], traceID: row["traceId"], workflow: row["workflow"], name: row["name"],
            status: Outcome.Status(rawValue: row["status"]) ?? .failure, valueNanoUSD: row["valueNano"], quality: row["quality"],
            humanReviewed: (row["humanReviewed"] as Int64?).map { $0 != 0 }, occurredAtMs: row["occurredAt"], receivedAtMs: row["receivedAt"])
    }

    /// One outcome by id.
    public func outcome(id: String) async throws -> Outcome? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM outcome WHERE id = ?", arguments: [id]).map(Self.outcome) }
    }

    /// Number of recorded outcomes.
    public func outcomeCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome") ?? 0 }
    }

    /// Outcomes that match no ledger entry: their request id is unknown and their trace id (if any) has no calls.
    /// They are kept (the calls may be in another ledger, or not written yet) and reported, never dropped.
    public func unmatchedOutcomes(limit: Int = 10_000) async throws -> [Outcome] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outcome o WHERE \(Self.unmatchedCondition) ORDER BY occurredAt, id LIMIT ?", arguments: [limit])
                .map(Self.outcome)
        }
    }

    /// Number of unmatched outcomes that occurred in `[startMs, endMs)`.
    public func unmatchedOutcomeCount(startMs: Int64, endMs: Int64) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM outcome o WHERE occurredAt >= ? AND occurredAt < ? AND \(Self.unmatchedCondition)",
                arguments: [startMs, endMs]) ?? 0
        }
    }

    static let unmatchedCondition = """
        (o.requestId IS NULL OR NOT EXISTS (SELECT 1 FROM ledgerEntry e WHERE e.id = o.requestId))
        AND (o.traceId IS NULL OR NOT EXISTS (SELECT 1 FROM ledgerEntry e WHERE e.traceId = o.traceId))
        """

    /// The calls an outcome covers: its request, plus every call of its trace.
    /// - Returns: Calls and their known cost in nano-USD.
    public func coverage(ofOutcome id: String) async throws -> (calls: Int64, costNanoUSD: Int64) {
        try await writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS calls, COALESCE(SUM(COALESCE(e.costNano, 0)), 0) AS cost FROM ledgerEntry e, outcome o
                    WHERE o.id = ? AND (e.id = o.requestId OR (o.traceId IS NOT NULL AND e.traceId = o.traceId))
                    """, arguments: [id])
            return (row?["calls"] ?? 0, row?["cost"] ?? 0)
        }
    }

    /// Outcome totals of the outcomes that occurred in `[startMs, endMs)`, grouped by one dimension (nil: one total
    /// under the nil key), aggregated in SQL.
    ///
    /// `workflow` groups by the outcome's own workflow. Other dimensions take the value of the call the
    /// outcome covers (its request; else the earliest call of its trace); an outcome whose calls are unknown
    /// falls in the nil (unattributed) group.
    public func outcomeTotals(by dimension: ReportDimension?, startMs: Int64, endMs: Int64) async throws -> [String?: OutcomeTotals] {
        try await writer.read { db in
            let group: String
            if let dimension, dimension != .workflow {
                let column = Self.ledgerColumn(dimension)
                group = """
                    NULLIF(COALESCE((SELECT COALESCE(e.\(column), '') FROM ledgerEntry e WHERE e.id = o.requestId),
                             (SELECT COALESCE(e.\(column), '') FROM ledgerEntry e WHERE e.traceId = o.traceId ORDER BY e.ts, e.id LIMIT 1)), '')
                    """
            } else if dimension == .workflow {
                group = "o.workflow"
            } else {
                group = "NULL"
            }
            let sql = """
                SELECT grp, COUNT(*) AS outcomes,
                       SUM(status = 'success') AS successes, SUM(status = 'partial') AS partials, SUM(status = 'failure') AS failures,
                       TOTAL(CASE status WHEN 'success' THEN COALESCE(quality, 1.0) WHEN 'partial' THEN 0.5 * COALESCE(quality, 1.0) ELSE 0 END) AS qa,
                       SUM(COALESCE(valueNano, 0)) AS value, SUM(COALESCE(humanReviewed, 0)) AS reviewed
                FROM (SELECT o.status, o.quality, o.valueNano, o.humanReviewed, \(group) AS grp
                      FROM outcome o WHERE o.occurredAt >= ? AND o.occurredAt < ?)
                GROUP BY grp
                """
            var out: [String?: OutcomeTotals] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: [startMs, endMs]) {
                var totals = OutcomeTotals()
                totals.outcomes = row["outcomes"]
                totals.successes = row["successes"]
                totals.partials = row["partials"]
                totals.failures = row["failures"]
                totals.qualityAdjusted = row["qa"]
                totals.valueNanoUSD = row["value"]
                totals.humanReviewed = row["reviewed"]
                out[row["grp"] as String?] = totals
            }
            return out
        }
    }

    static func ledgerColumn(_ dimension: ReportDimension) -> String {
        switch dimension {
        case .provider: "provider"
        case .model: "servedModel"
        case .status: "status"
        case .pricing: "pricing"
        default: dimension.attribution?.column ?? "NULL"
        }
    }
}
