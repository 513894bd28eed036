import Testing
import TollgateCore

@testable import TollgateStore

/// The export query: entries of a period, oldest first, streamed from a cursor.
@Suite struct LedgerExportTests {
    static func entry(_ id: String, at ms: Int64, cost: Int64?) -> LedgerEntry {
        LedgerEntry(
            id: id, timestampMs: ms, route: "chat.completions", provider: "openai-sim", requestedModel: "gpt-4o-mini",
            servedModel: "gpt-4o-mini", stream: false, status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 10, output: 2),
            pricing: cost == nil ? .unpriced : .priced, costNanoUSD: cost, costBreakdown: CostBreakdown(input: cost ?? 0),
            attribution: Attribution(keyID: "k", team: "support", workflow: "w"))
    }

    @Test func streamsThePeriodOldestFirst() async throws {
        let (database, _) = try temporaryLedger()
        // Written out of time order, with entries on both sides of the period.
        let times: [Int64] = [5_000, 1_000, 9_999, 10_000, 999, 3_000, 3_000]
        try await database.write(entries: times.enumerated().map { Self.entry("e\($0.offset)", at: $0.element, cost: $0.offset == 2 ? nil : 7) })
        var seen: [LedgerEntry] = []
        try await database.forEachEntry(sinceMs: 1_000, untilMs: 10_000) { seen.append($0) }
        #expect(seen.map(\.timestampMs) == [1_000, 3_000, 3_000, 5_000, 9_999])
        #expect(seen.map(\.id) == ["e1", "e5", "e6", "e0", "e2"])
        #expect(seen.first { $0.id == "e2" }?.costNanoUSD == nil)
        #expect(seen.first { $0.id == "e0" } == (try await database.entry(id: "e0")))
    }

    @Test func anErrorInTheBodyStopsTheStream() async throws {
        struct Stop: Error {}
        let (database, _) = try temporaryLedger()
        try await database.write(entries: (0..<10).map { Self.entry("e\($0)", at: Int64($0), cost: 1) })
        var count = 0
        await #expect(throws: Stop.self) {
            try await database.forEachEntry(sinceMs: 0, untilMs: 100) { _ in
                count += 1
                if count == 3 { throw Stop() }
            }
        }
        #expect(count == 3)
    }
}
