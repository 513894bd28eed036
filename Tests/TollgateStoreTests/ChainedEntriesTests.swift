import Foundation
import GRDB
import Testing
import TollgateCore

@testable import TollgateStore

/// A request that makes several upstream calls: one entry per call, each chained to the request's entry.
@Suite struct ChainedEntriesTests {
    static func entry(_ id: String, at ms: Int64, parent: String? = nil, cost: Int64 = 7) -> LedgerEntry {
        LedgerEntry(
            id: id, timestampMs: ms, route: "chat.completions", provider: "openai-sim", requestedModel: "gpt-4o-mini",
            servedModel: "gpt-4o-mini", stream: false, status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 10, output: 2),
            pricing: .priced, costNanoUSD: cost, costBreakdown: CostBreakdown(input: cost), attribution: Attribution(keyID: "k", team: "support"),
            parentID: parent)
    }

    @Test func theUpstreamCallsOfARequestAreReadBackInOrderAndCountedOnceEach() async throws {
        let (database, _) = try temporaryLedger()
        try await database.write(entries: [
            Self.entry("tg_r.2", at: 1_200, parent: "tg_r", cost: 30), Self.entry("tg_r", at: 1_000, cost: 5),
            Self.entry("tg_r.1", at: 1_100, parent: "tg_r", cost: 20), Self.entry("tg_other", at: 1_050),
        ])
        let chain = try await database.entries(chainedTo: "tg_r")
        #expect(chain.map(\.id) == ["tg_r.1", "tg_r.2"])
        #expect(chain.allSatisfy { $0.parentID == "tg_r" })
        #expect(try await database.entry(id: "tg_r")?.parentID == nil)
        #expect(try await database.entries(chainedTo: "tg_other").isEmpty)
        // Every upstream call is spend: the chain's entries are in the totals, each once.
        let total = try await database.spend(scope: GovernanceScope(), fromMs: nil, toMs: nil, bucketMs: nil)
        let expected: [Int64] = [62]  // 5 + 20 + 30 + 7
        #expect(total.map(\.nanoUSD) == expected)
    }

    @Test func anInterruptedUpstreamCallIsRecoveredInItsChain() async throws {
        let (database, _) = try temporaryLedger()
        let admission = Admission(
            id: "tg_r.1", timestampMs: 1_000, route: "chat.completions", provider: "openai-sim", requestedModel: "gpt-4o-mini",
            upstreamModel: "gpt-4o-mini", priceModel: "gpt-4o-mini", stream: false, estimatedInputTokens: 12,
            attribution: Attribution(keyID: "k"), parentID: "tg_r")
        let decoded = try JSONDecoder().decode(Admission.self, from: JSONEncoder().encode(admission))
        #expect(decoded.parentID == "tg_r")
        let pricer = LedgerPricer(catalog: PriceCatalog(prices: [], version: "none"))
        #expect(try await database.recover([decoded], pricer: pricer, nowMs: 2_000) == 1)
        let recovered = try #require(try await database.entry(id: "tg_r.1"))
        #expect(recovered.status == .interrupted && recovered.parentID == "tg_r")
    }

    @Test func aLedgerFromBeforeChainsOpensWithEveryEntryUnchained() async throws {
        let queue = try legacyLedger(upTo: "v5: price provenance")
        let database = try LedgerDatabase(queue)
        #expect(try await database.entry(id: "old")?.parentID == nil)
        try await database.write(entries: [Self.entry("tg_new.1", at: 5, parent: "tg_new")])
        #expect(try await database.entries(chainedTo: "tg_new").map(\.id) == ["tg_new.1"])
        let indexes = try await queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(indexes.contains("ledgerEntry_parent"))
    }
}
