import Testing
import TollgateCore
import TollgateTestKit

@testable import TollgateStore

/// `settled()` and `written(atLeast:)`: what a reader of the ledger waits on instead of polling.
@Suite struct LedgerJournalSettleTests {
    @Test func aCallInFlightHoldsSettledUntilItsEntryIsWritten() async throws {
        let (journal, database, _) = try temporaryJournal()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            let first = admission("tg_settle_1")
            try await journal.admit(first)
            let returned = Watched(false)
            group.addTask {
                await journal.settled()
                returned.set()
            }
            // Another call's entry is written (and the waiters rechecked); the open admission still holds.
            let other = admission("tg_settle_other")
            try await journal.admit(other)
            await journal.record(entry(for: other))
            await journal.written(atLeast: 1)
            #expect(!returned.isSet)
            await journal.record(entry(for: first))
            await journal.settled()
            #expect(try await database.entry(id: first.id) != nil)
            #expect(journal.written.entries == 2)
            group.cancelAll()
        }
    }

    @Test func writtenAtLeastWaitsForThatManyEntries() async throws {
        let (journal, database, _) = try temporaryJournal(.init(batchSize: 3))
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            group.addTask {
                for i in 0..<10 {
                    let a = admission("tg_written_\(i)")
                    try await journal.admit(a)
                    await journal.record(entry(for: a))
                }
            }
            await journal.written(atLeast: 10)
            group.cancelAll()
        }
        #expect(try await database.entryCount() == 10)
    }

    @Test func aCancelledWaiterReturnsWithoutTheGuarantee() async throws {
        let (journal, _, _) = try temporaryJournal()
        try await journal.admit(admission("tg_never_recorded"))
        let waiter = Task { await journal.written(atLeast: 1) }
        waiter.cancel()
        await waiter.value
        #expect(journal.written.entries == 0)
    }
}
