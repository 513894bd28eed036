import GRDB
public import TollgateCore

extension LedgerDatabase {
    /// Streams the entries of `[sinceMs, untilMs)`, oldest first, one at a time from a database
    /// cursor (the period is never loaded into memory at once), inside one read transaction so
    /// the export sees a consistent snapshot.
    /// - Parameters:
    ///   - sinceMs: Inclusive start, unix milliseconds.
    ///   - untilMs: Exclusive end, unix milliseconds.
    ///   - body: Called once per entry, in timestamp order (ties by insertion order).
    public func forEachEntry(sinceMs: Int64, untilMs: Int64, _ body: (LedgerEntry) throws -> Void) throws {
        try writer.read { db in
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT * FROM ledgerEntry WHERE ts >= ? AND ts < ? ORDER BY ts, rowid", arguments: [sinceMs, untilMs])
            while let row = try cursor.next() {
                try body(Self.entry(row))
            }
        }
    }
}
