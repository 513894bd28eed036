import Testing
import TollgateStore
import TollgateTestKit

extension LedgerJournal {
    /// Waits for the journal to settle (every admitted call's entry written; with `untilWritten`, first
    /// for that many entries to be written), failing the test when it has not within `bound`: a call that
    /// never records its entry is a failure, not a hang.
    func settle(
        within bound: Duration = .seconds(30), untilWritten count: Int = 0, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let settled = await completes(within: bound) {
            await self.written(atLeast: count)
            await self.settled()
        }
        try #require(settled, "the ledger journal did not settle within \(bound)", sourceLocation: sourceLocation)
    }
}
