import Foundation
import Testing
import TollgateCore
import TollgateTestKit

/// Dated lookup, LiteLLM parsing and its errors, Codable round trips, and the default
/// catalog resource.
@Suite struct PricingCatalogTests {
    typealias Support = PricingTestSupport

    private func dated(_ input: String, from: Int64) throws -> ModelPrice {
        try Support.price("acme/model", #""input_cost_per_token": \#(input), "output_cost_per_token": 1e-06"#)
            .with(effectiveFrom: from)
    }

    @Test func datedLookupPicksThePriceInForce() throws {
        let v1 = try dated("1e-06", from: 1_000)
        let v2 = try dated("2e-06", from: 2_000)
        let catalog = PriceCatalog(prices: [v2, v1], version: "test-1")
        #expect(catalog.price(for: "acme/model", at: 999) == nil)
        #expect(catalog.price(for: "acme/model", at: 1_000) == v1)
        #expect(catalog.price(for: "acme/model", at: 1_999) == v1)
        #expect(catalog.price(for: "acme/model", at: 2_000) == v2)
        #expect(catalog.price(for: "acme/model", at: 9_999_999_999) == v2)
        #expect(catalog.count == 1)
        #expect(catalog.entryCount == 2)
        #expect(catalog.models == ["acme/model"])

        let usage = TokenUsage(inputUncached: 1_000)
        #expect(catalog.cost(model: "acme/model", usage: usage, at: 500).cost == nil)
        #expect(
            catalog.cost(model: "acme/model", usage: usage, at: 1_500)
                == .priced(
                    Cost(
                        totalNanoUSD: 1_000_000,
                        components: [CostComponent(kind: .inputUncached, tokens: 1_000, rate: try Support.rate("1e-06"), nanoUSD: 1_000_000)]),
                    priceEffectiveFrom: 1_000))
        guard case .priced(let cost, let from) = catalog.cost(model: "acme/model", usage: usage, at: 2_500) else {
            Issue.record("expected priced")
            return
        }
        #expect(cost.totalNanoUSD == 2_000_000)
        #expect(from == 2_000)
    }

    @Test func mergingAddsAndReplacesDatedEntries() throws {
        let catalog = PriceCatalog(prices: [try dated("1e-06", from: 0)], version: "base")
        let merged = catalog.merging([try dated("3e-06", from: 5_000), try dated("4e-06", from: 0)])
        #expect(merged.version == "base")
        #expect(merged.history(for: "acme/model").map(\.effectiveFrom) == [0, 5_000])
        #expect(merged.price(for: "acme/model", at: 10)?.base.input == (try Support.rate("4e-06")))
        #expect(merged.price(for: "acme/model", at: 5_000)?.base.input == (try Support.rate("3e-06")))
        #expect(catalog.price(for: "acme/model", at: 10)?.base.input == (try Support.rate("1e-06")))
        #expect(catalog.merging([], version: "v2").version == "v2")
    }

    @Test func modelKeysAreExact() throws {
        let catalog = PriceCatalog(prices: Array(try Support.verbatim().values), version: "t")
        #expect(catalog.price(for: "gpt-4o", at: 0) != nil)
        #expect(catalog.price(for: "gpt-4o-2024-08-06", at: 0) == nil)
        #expect(catalog.price(for: "openai/gpt-4o", at: 0) == nil)
        #expect(catalog.price(for: "gemini-2.5-pro", at: 0) == nil)
        guard case .unpriced(let reason) = catalog.cost(model: "gpt-4o-2024-08-06", usage: TokenUsage(inputUncached: 1), at: 0) else {
            Issue.record("expected unpriced")
            return
        }
        #expect(reason.contains("gpt-4o-2024-08-06"))
    }

    @Test func parseMapsKeysAndIgnoresServiceTiers() throws {
        let gemini = try #require(try Support.verbatim()["gemini/gemini-2.5-pro"])
        #expect(gemini.provider == "gemini")
        #expect(gemini.mode == "chat")
        #expect(gemini.maxInputTokens == 1_048_576)
        #expect(gemini.maxOutputTokens == 65_536)
        #expect(
            gemini.base == RateSet(input: try Support.rate("1.25e-06"), output: try Support.rate("1e-05"), cacheRead: try Support.rate("1.25e-07")))
        #expect(
            gemini.batch == RateSet(input: try Support.rate("6.25e-07"), output: try Support.rate("5e-06"), cacheRead: try Support.rate("1.25e-07")))
        #expect(
            gemini.thresholds == [
                ThresholdTier(
                    tokens: 200_000, inclusive: false,
                    rates: RateSet(input: try Support.rate("2.5e-06"), output: try Support.rate("1.5e-05"), cacheRead: try Support.rate("2.5e-07")),
                    batch: RateSet(input: try Support.rate("1.25e-06"), output: try Support.rate("7.5e-06"), cacheRead: try Support.rate("2.5e-07"))
                )
            ])
        let claude = try #require(try Support.verbatim()["claude-sonnet-4-5"])
        #expect(claude.base.cacheWrite1h == (try Support.rate("6e-06")))
        #expect(claude.batch.cacheWrite == (try Support.rate("1.875e-06")))
        #expect(claude.thresholds.isEmpty)
    }

    @Test func parseFiltersModesAndSkipsMetadata() throws {
        let json = #"""
            {"_tollgate": {"source": "x", "sha256": "ab"},
             "sample_spec": {"mode": "chat", "input_cost_per_token": 0},
             "a": {"mode": "chat", "input_cost_per_token": 1e-06},
             "b": {"mode": "embedding", "input_cost_per_token": 1e-07},
             "c": {"mode": "image_generation", "input_cost_per_image": 0.04},
             "d": {"input_cost_per_token": 1e-06},
             "e": {"mode": "chat", "input_cost_per_token": null, "output_cost_per_token": 2e-06, "max_input_tokens": 8192.0, "unicode \u00e9\ud83d\ude00": [1, {"x": "\"\n"}]}}
            """#
        let all = try LiteLLMCatalog.parse(Array(json.utf8), effectiveFrom: 42)
        #expect(all.map(\.model) == ["a", "b", "e"])
        #expect(all.allSatisfy { $0.effectiveFrom == 42 })
        #expect(all.last?.base.input == nil)
        #expect(all.last?.maxInputTokens == 8_192)
        #expect(try LiteLLMCatalog.parse(json.utf8, effectiveFrom: 0, modes: ["embedding"]).map(\.model) == ["b"])
        #expect(try LiteLLMCatalog.provenance(json.utf8) == LiteLLMCatalog.Provenance(source: "x", sha256: "ab"))
    }

    @Test(arguments: [
        (#"{"m": {"mode": "chat", "input_cost_per_token": -1e-06}}"#, "input_cost_per_token"),
        (#"{"m": {"mode": "chat", "output_cost_per_token": "0.1"}}"#, "output_cost_per_token"),
        (#"{"m": {"mode": "chat", "cache_read_input_token_cost": 1e-25}}"#, "cache_read_input_token_cost"),
        (#"{"m": {"mode": "chat", "input_cost_per_token_above_200k_tokens_batches": true}}"#, "input_cost_per_token_above_200k_tokens_batches"),
        (#"{"m": {"mode": "chat", "max_input_tokens": 12.5}}"#, "max_input_tokens"),
        (#"{"m": {"mode": "chat", "tiered_pricing": [{"range": [0], "input_cost_per_token": 1e-06}]}}"#, "tiered_pricing[0].range"),
        (#"{"m": {"mode": "chat", "tiered_pricing": [{"range": [0, 10], "input_cost_per_token": "x"}]}}"#, "tiered_pricing[0].input_cost_per_token"),
    ])
    func invalidFieldsNameModelAndField(json: String, field: String) throws {
        let error = #expect(throws: PricingError.self) { try LiteLLMCatalog.parse(json.utf8, effectiveFrom: 0) }
        #expect(error?.description.contains("model 'm'") == true)
        #expect(error?.description.contains("'\(field)") == true)
    }

    @Test(arguments: [
        #"{"m": {"mode": "chat",}}"#, #"{"m": 01}"#, #"{"m": 1.}"#, #"{"m": .5}"#, #"{"m": +1}"#, #"{"m": 1e}"#,
        #"{"m": "unterminated}"#, #"{"m": "\x"}"#, #"{"m": "\ud800"}"#, #"{"m": tru}"#, #"{"m": 1} x"#, "", "[", #"{"m"}"#,
    ])
    func malformedJSONIsRejectedWithAPosition(json: String) {
        let error = #expect(throws: PricingError.self) { try LiteLLMCatalog.parse(json.utf8, effectiveFrom: 0) }
        #expect(error?.description.contains("line 1") == true)
    }

    @Test func nonObjectTopLevelIsRejected() {
        #expect(throws: PricingError.self) { try LiteLLMCatalog.parse("[1, 2]".utf8, effectiveFrom: 0) }
    }

    @Test func modelPriceCodableRoundTrip() throws {
        var prices = Array(try Support.verbatim().values).sorted { $0.model < $1.model }
        prices.append(
            try Support.price(
                "tiered", provider: "xai",
                #"""
                "input_cost_per_token": 1.0000000000000001e-07, "output_cost_per_token": 0,
                "input_cost_per_token_above_128k_tokens": 2e-07, "input_cost_per_token_above_128k_tokens_batches": 1.6e-07,
                "output_cost_per_reasoning_token": 3e-06, "max_output_tokens": 100,
                "tiered_pricing": [{"range": [0, 1000], "input_cost_per_token": 1e-08, "cache_creation_input_token_cost": 2e-08}]
                """#
            ).with(effectiveFrom: 1_700_000_000))
        let data = try JSONEncoder().encode(prices)
        let decoded = try JSONDecoder().decode([ModelPrice].self, from: data)
        #expect(decoded == prices)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""input":"0.00000010000000000000001""#))

        let cost = try prices[0].cost(of: TokenUsage(inputUncached: 3, cacheRead: 5, output: 7, reasoning: 2))
        #expect(try JSONDecoder().decode(Cost.self, from: JSONEncoder().encode(cost)) == cost)
    }

    @Test func defaultCatalogResourceMatchesTheSnapshot() throws {
        let root = try #require(Support.repositoryRoot(), "repository root not found above \(#filePath)")
        let resource = root.appendingPathComponent("Sources/TollgateCLI/Resources/default-prices.json")
        let snapshot = Support.snapshotURL(root: root)
        let resourceBytes = try #require(
            FileManager.default.contents(atPath: resource.path), "missing \(resource.path): run scripts/build-default-catalog.py")
        let snapshotBytes = try #require(FileManager.default.contents(atPath: snapshot.path), "missing pinned snapshot \(snapshot.path)")
        let fromResource = try LiteLLMCatalog.parse(resourceBytes, effectiveFrom: 0)
        let fromSnapshot = try LiteLLMCatalog.parse(snapshotBytes, effectiveFrom: 0)
        #expect(fromResource.count == 3_418)
        #expect(fromResource == fromSnapshot)
        #expect(fromResource.filter { !$0.isPriced }.count == 87)
        let provenance = try #require(try LiteLLMCatalog.provenance(resourceBytes))
        #expect(provenance.source == "litellm 1.109.1 snapshot")
        #expect(provenance.sha256.count == 64)
        #expect(provenance.versionLabel.hasPrefix("litellm 1.109.1 snapshot sha256:"))
        let catalog = PriceCatalog(prices: fromResource, version: provenance.versionLabel)
        #expect(catalog.count == 3_418)
        #expect(
            catalog.cost(model: "gpt-4o", usage: TokenUsage(inputUncached: 800, cacheRead: 200, output: 500), at: 0).cost?.totalNanoUSD == 7_250_000)
    }
}

extension ModelPrice {
    /// A copy with another effective date.
    func with(effectiveFrom: Int64) -> ModelPrice {
        var copy = self
        copy.effectiveFrom = effectiveFrom
        return copy
    }
}
