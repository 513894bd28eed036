import GRDB

@testable import TollgateStore

/// A ledger migrated only up to `migration`, holding one entry `old` written in the columns every schema has
/// (the first ledger's), as a ledger from before a later migration is found on disk.
func legacyLedger(upTo migration: String) throws -> DatabaseQueue {
    let queue = try DatabaseQueue()
    try LedgerDatabase.migrator.migrate(queue, upTo: migration)
    try queue.write { db in
        try db.execute(
            sql: """
                INSERT INTO ledgerEntry (id, ts, durationMs, route, provider, requestedModel, servedModel, stream, status, httpStatus,
                    inputUncached, cacheRead, cacheWrite5m, cacheWrite1h, output, reasoning, usageSource, pricing, costNano,
                    costInputNano, costCacheReadNano, costCacheWriteNano, costOutputNano, costReasoningNano, priceVersion, keyId,
                    declared, attemptCount, attempts)
                VALUES ('old', 1790812800000, 1, 'chat.completions', 'acme', 'acme', 'acme', 0, 'ok', 200, 10, 0, 0, 0, 5, 0,
                    'reported', 'priced', 24, 8, 0, 0, 16, 0, 'config', 'k', '', 1, '[]')
                """)
    }
    return queue
}
