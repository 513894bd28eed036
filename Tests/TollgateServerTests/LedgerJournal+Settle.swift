import Testing
import TollgateCore
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

    /// The entry of the response with request id `id`, once the journal has settled.
    func settledEntry(_ id: String?, in database: LedgerDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws -> LedgerEntry {
        let id = try #require(id, "the response had no x-tollgate-request-id", sourceLocation: sourceLocation)
        try await settle(sourceLocation: sourceLocation)
        return try #require(try await database.entry(id: id), "no ledger entry for \(id)", sourceLocation: sourceLocation)
    }
}
