import Foundation
import GRDB
import Testing
import TollgateCore

@testable import TollgateStore

/// The entry's price key (migration v5) and the configuration's prices recorded as price versions.
@Suite struct PriceProvenanceStoreTests {
    static func entry(_ id: String, priceModel: String?) -> LedgerEntry {
        LedgerEntry(
            id: id, timestampMs: 1_790_812_800_000, route: "chat.completions", provider: "acme", requestedModel: "acme",
            servedModel: "acme-2026", stream: false, status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 10, output: 5),
            pricing: .priced, costNanoUSD: 24, priceVersion: "config-abc", attribution: Attribution(keyID: "k"), priceModel: priceModel)
    }

    @Test func aLedgerFromBeforeTheMigrationOpensAndItsEntriesNameNoPrice() async throws {
        let queue = try legacyLedger(upTo: "v4: rollups per batch")
        let database = try LedgerDatabase(queue)
        let old = try #require(try await database.entry(id: "old"))
        #expect(old.priceModel == nil && old.priceVersion == "config" && old.costNanoUSD == 24)
        try await database.write(entries: [Self.entry("new", priceModel: "acme-large")])
        #expect(try await database.entry(id: "new")?.priceModel == "acme-large")
        let stored = try await queue.read { db in try String.fetchOne(db, sql: "SELECT priceModel FROM ledgerEntry WHERE id = 'new'") }
        #expect(stored == "acme-large")
    }

    @Test func configuredPricesAreRecordedOnceEach() async throws {
        let database = try LedgerDatabase(try DatabaseQueue())
        let price = ModelPrice(
            model: "acme-large", mode: "chat", effectiveFrom: 86_400,
            base: RateSet(input: USDRate(perMillion: "0.80"), output: USDRate(perMillion: "3.20")), source: "config-abc")
        let version = StoredPriceVersion(
            id: "config-abc", source: StoredPriceVersion.configurationSource, sha256: "abc", importedAt: 5, effectiveFrom: 86_400, modelCount: 1)
        try await database.recordConfiguredPrices([(version, price)])
        try await database.recordConfiguredPrices([(version, price)])
        let versions = try await database.priceVersions()
        #expect(versions.map(\.id) == ["config-abc"] && versions.allSatisfy(\.isConfigured))
        let prices = try await database.storedPrices()
        #expect(prices.count == 1 && prices.first?.version == "config-abc")
        #expect(prices.first?.price.base == price.base && prices.first?.price.effectiveFrom == 86_400)
    }
}
