import GRDB
import GRDBSQLite
import TollgateCore

/// Binds an entry's columns straight to the prepared insert (the ledger writer's inner loop),
/// in the order of ``LedgerDatabase/columns``, without boxing 48 values per row.
enum EntryBinder {
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    static func insert(_ e: LedgerEntry, with statement: Statement) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        var index: Int32 = 0
        func text(_ value: String?) {
            index += 1
            guard var string = value else {
                sqlite3_bind_null(s, index)
                return
            }
            string.withUTF8 { bytes in
                _ = sqlite3_bind_text(s, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(bytes.count), transient)
            }
        }
        func int(_ value: Int64?) {
            index += 1
            if let value { sqlite3_bind_int64(s, index, value) } else { sqlite3_bind_null(s, index) }
        }
        let a = e.attribution
        let u = e.usage
        let c = e.costBreakdown
        text(e.id); int(e.timestampMs); int(e.durationMs); int(e.ttftMs); text(e.route); text(e.provider)
        text(e.requestedModel); text(e.servedModel); int(e.stream ? 1 : 0); text(e.status.rawValue); int(Int64(e.httpStatus))
        int(u.inputUncached); int(u.cacheRead); int(u.cacheWrite5m); int(u.cacheWrite1h); int(u.output); int(u.reasoning)
        text(e.usageSource.rawValue); text(e.pricing.rawValue); int(e.costNanoUSD)
        int(c.input); int(c.cacheRead); int(c.cacheWrite); int(c.output); int(c.reasoning); text(e.priceVersion)
        text(a.keyID)
        for dimension in Attribution.Dimension.allCases { text(a[dimension]) }
        text(a.declared.map(\.rawValue).sorted().joined(separator: ","))
        int(Int64(e.attempts.count)); text(LedgerDatabase.attemptsJSON(e.attempts)); int(e.clientRetryCount.map(Int64.init))
        text(e.errorMessage)
        text(e.routedFrom); text(e.governance); int(Int64(e.redactions)); text(a.tagsJSON)
        text(e.priceModel); text(e.parentID)
        precondition(index == Int32(LedgerDatabase.columns.count), "the binder and the column list disagree")
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "inserting ledger entry \(e.id)")
        }
    }
}
