/// Where ledger records go: implemented by the journal, used by the gateway.
///
/// ``admit(_:)`` returns only once the admission is durable; ``record(_:)`` hands a finished
/// entry to the write-behind journal and returns at once unless the journal is full, in which
/// case it waits for room (entries are never dropped).
public protocol LedgerSink: Sendable {
    /// Makes an admission durable.
    func admit(_ admission: Admission) async throws
    /// Queues a finished entry, completing its admission.
    func record(_ entry: LedgerEntry) async
}

/// Where the journal writes finished entries: the ledger's entry table, append-only and keyed by request id.
public protocol EntryStore: Sendable {
    /// Writes a batch in one transaction. An entry whose request id is already recorded is skipped: a duplicate
    /// hand-off keeps the first entry. The write completes even when the calling task is cancelled, so a batch handed
    /// over during shutdown is written, never abandoned.
    /// - Returns: How many entries were written.
    @discardableResult
    func write(entries: [LedgerEntry]) async throws -> Int
    /// Turns admissions that never got an entry (the process died mid-call) into `interrupted` entries priced at their
    /// estimated usage. Admissions that already have an entry are skipped.
    /// - Returns: How many entries were written.
    func recover(_ admissions: [Admission], pricer: LedgerPricer, nowMs: Int64) async throws -> Int
}
