import Foundation
import Testing
import TollgateCore

/// FOCUS export: the `Tags` object (customer and caller tags), and unit prices recovered from the price
/// an entry names (its price version and catalog key) when today's catalog no longer has it.
@Suite struct FocusProvenanceTests {
    static let day: Int64 = 1_790_812_800  // 2026-10-01T00:00:00Z

    /// A configured price, USD per 1M tokens, labelled with the version that records it.
    static func configured(_ model: String, input: String, output: String, version: String) -> ModelPrice {
        ModelPrice(
            model: model, mode: "chat", base: RateSet(input: USDRate(perMillion: input), output: USDRate(perMillion: output)), source: version)
    }

    static func entry(
        _ id: String, requested: String, served: String, priceModel: String, catalog: PriceCatalog, attribution: Attribution
    )
        -> LedgerEntry
    {
        var entry = LedgerEntry(
            id: id, timestampMs: Self.day * 1_000 + 5_000, route: "chat.completions", provider: "acme", requestedModel: requested,
            servedModel: served, stream: false, status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 1_234, output: 567),
            attribution: attribution)
        LedgerPricer(catalog: catalog).price(&entry, priceModel: priceModel)
        return entry
    }

    static func export(_ entries: [LedgerEntry], reprice: (LedgerEntry) -> Cost?) -> [FocusRow] {
        var aggregator = FocusAggregator()
        var rows: [FocusRow] = []
        for entry in entries { rows += aggregator.add(entry, repriced: reprice(entry)) }
        return rows + aggregator.finish()
    }

    static func tags(_ row: FocusRow) throws -> [String: String] {
        try #require(JSONSerialization.jsonObject(with: Data(row.tagsJSON.utf8)) as? [String: String])
    }

    @Test func tagsCarryTheCustomerAndEachCallerTagNamespaced() throws {
        let price = Self.configured("acme-large", input: "0.80", output: "3.20", version: "config-abc")
        let catalog = PriceCatalog(prices: [price], version: "config-abc")
        let base = Attribution(keyID: "k", team: "support", workflow: "triage", customer: "globex", tags: ["team": "spoofed", "ticket": "T-9"])
        var other = base
        other.tags = ["ticket": "T-10"]
        let entries = [
            Self.entry("a", requested: "acme", served: "acme", priceModel: "acme-large", catalog: catalog, attribution: base),
            Self.entry("b", requested: "acme", served: "acme", priceModel: "acme-large", catalog: catalog, attribution: other),
        ]
        let rows = Self.export(entries) { _ in nil }
        let sets = Set(try rows.map { try Self.tags($0) })
        #expect(
            sets == [
                ["team": "support", "workflow": "triage", "x_customer": "globex", "x_tag/team": "spoofed", "x_tag/ticket": "T-9"],
                ["team": "support", "workflow": "triage", "x_customer": "globex", "x_tag/ticket": "T-10"],
            ])
        // One row per tag set: the two entries never share a row.
        #expect(rows.allSatisfy { $0.entryCount == 1 })
    }

    @Test func anEntryNamingItsPriceExportsTheExactUnitPriceWithoutTheConfiguration() throws {
        let price = Self.configured("acme-large", input: "0.80", output: "3.20", version: "config-abc")
        let serving = PriceCatalog(prices: [price], version: "builtin+config")
        let entry = Self.entry(
            "p", requested: "acme", served: "acme-2026", priceModel: "acme-large", catalog: serving, attribution: Attribution(keyID: "k"))
        #expect(entry.priceModel == "acme-large" && entry.priceVersion == "config-abc")
        let today = PriceCatalog(prices: [], version: "builtin")
        let snapshots = PriceSnapshots([price])
        let rows = Self.export([entry]) { snapshots.recordedCost(of: $0) ?? today.cost(model: $0.servedModel, usage: $0.usage, at: 0).cost }
        #expect(rows.map(\.priceSource) == [.catalog, .catalog])
        let unit = Dictionary(uniqueKeysWithValues: rows.map { ($0.tokenType, $0.listUnitPrice) })
        #expect(FocusExportTests.scaled(try #require(unit[.input] ?? nil), 19) == FocusExportTests.scaled("0.80", 19))
        #expect(FocusExportTests.scaled(try #require(unit[.output] ?? nil), 19) == FocusExportTests.scaled("3.20", 19))
        #expect(rows.reduce(Int64(0)) { $0 + $1.billedNanoUSD } == entry.costNanoUSD)
    }

    @Test func anEntryThatNamesNoPriceFallsBackToADerivedUnitPrice() throws {
        let price = Self.configured("acme-large", input: "0.80", output: "3.20", version: "config-abc")
        var entry = Self.entry(
            "o", requested: "acme", served: "acme", priceModel: "acme-large", catalog: PriceCatalog(prices: [price], version: "v"),
            attribution: Attribution(keyID: "k"))
        entry.priceModel = nil
        let snapshots = PriceSnapshots([price])
        #expect(snapshots.recordedCost(of: entry) == nil)
        let rows = Self.export([entry]) { snapshots.recordedCost(of: $0) }
        #expect(rows.allSatisfy { $0.priceSource == .derived })
    }

    @Test func aSnapshotThatNoLongerReproducesTheCostIsNotUsed() throws {
        let price = Self.configured("acme-large", input: "0.80", output: "3.20", version: "config-abc")
        let entry = Self.entry(
            "c", requested: "acme", served: "acme", priceModel: "acme-large", catalog: PriceCatalog(prices: [price], version: "v"),
            attribution: Attribution(keyID: "k"))
        let changed = Self.configured("acme-large", input: "0.81", output: "3.20", version: "config-abc")
        #expect(PriceSnapshots([changed]).recordedCost(of: entry) == nil)
        #expect(PriceSnapshots([price]).recordedCost(of: entry)?.totalNanoUSD == entry.costNanoUSD)
    }
}
