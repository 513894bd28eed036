import GRDB
import GRDBSQLite
import TollgateCore

/// Binds an entry's columns straight to the prepared insert (the ledger writer's inner loop),
/// in the order of ``LedgerDatabase/columns``, without boxing 48 values per row.
enum EntryBinder {
    static func insert(_ e: LedgerEntry, with statement: Statement) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        var bind = Parameters(statement: s)
        bind.call(e)
        bind.usageAndCost(e)
        bind.attribution(e)
        bind.outcome(e)
        bind.levers(e)
        precondition(bind.index == Int32(LedgerDatabase.columns.count), "the binder and the column list disagree")
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "inserting ledger entry \(e.id)")
        }
    }

    /// The next parameter of the statement, bound in column order.
    private struct Parameters {
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

        let statement: OpaquePointer?
        /// The last parameter bound (SQLite's parameters count from 1).
        var index: Int32 = 0

        mutating func text(_ value: String?) {
            index += 1
            guard var string = value else {
                sqlite3_bind_null(statement, index)
                return
            }
            let (statement, index) = (statement, index)
            string.withUTF8 { bytes in
                let pointer = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                _ = sqlite3_bind_text(statement, index, pointer, Int32(bytes.count), Self.transient)
            }
        }

        mutating func int(_ value: Int64?) {
            index += 1
            if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        }

        /// Id, time, route, provider, models, stream, status.
        mutating func call(_ e: LedgerEntry) {
            text(e.id)
            int(e.timestampMs)
            int(e.durationMs)
            int(e.ttftMs)
            text(e.route)
            text(e.provider)
            text(e.requestedModel)
            text(e.servedModel)
            int(e.stream ? 1 : 0)
            text(e.status.rawValue)
            int(Int64(e.httpStatus))
        }

        /// Tokens by type, their source, the pricing and the cost by component.
        mutating func usageAndCost(_ e: LedgerEntry) {
            let u = e.usage
            let c = e.costBreakdown
            int(u.inputUncached)
            int(u.cacheRead)
            int(u.cacheWrite5m)
            int(u.cacheWrite1h)
            int(u.output)
            int(u.reasoning)
            text(e.usageSource.rawValue)
            text(e.pricing.rawValue)
            int(e.costNanoUSD)
            int(c.input)
            int(c.cacheRead)
            int(c.cacheWrite)
            int(c.output)
            int(c.reasoning)
            text(e.priceVersion)
        }

        /// The key and every attribution dimension, then which were declared.
        mutating func attribution(_ e: LedgerEntry) {
            let a = e.attribution
            text(a.keyID)
            for dimension in Attribution.Dimension.allCases { text(a[dimension]) }
            text(a.declared.map(\.rawValue).sorted().joined(separator: ","))
        }

        /// Attempts, retries, errors, routing, governance, redactions, tags, price model, parent.
        mutating func outcome(_ e: LedgerEntry) {
            int(Int64(e.attempts.count))
            text(LedgerDatabase.attemptsJSON(e.attempts))
            int(e.clientRetryCount.map(Int64.init))
            text(e.errorMessage)
            text(e.routedFrom)
            text(e.governance)
            int(Int64(e.redactions))
            text(e.attribution.tagsJSON)
            text(e.priceModel)
            text(e.parentID)
        }

        /// The lever that acted, what it saved, the answer's source entry and the levers' version.
        mutating func levers(_ e: LedgerEntry) {
            text(e.lever)
            int(e.savedNanoUSD)
            text(e.sourceID)
            text(e.leversVersion)
            text(e.leverRule)
            int(e.savedEstimated.map { $0 ? 1 : 0 })
        }
    }
}
