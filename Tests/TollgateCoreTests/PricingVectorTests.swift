import Testing
import TollgateCore
import TollgateTestKit

/// The worked vectors of standards.md §4.5, priced from the verbatim §4.4 JSON entries.
@Suite struct PricingVectorTests {
    private let prices: [String: ModelPrice]

    init() throws {
        prices = try PricingTestSupport.verbatim()
    }

    private func nano(_ model: String, _ usage: TokenUsage, _ mode: PricingMode = .standard) throws -> Int64 {
        let price = try #require(prices[model])
        let cost = try price.cost(of: usage, mode: mode)
        #expect(cost.components.reduce(0) { $0 + $1.nanoUSD } == cost.totalNanoUSD)
        return cost.totalNanoUSD
    }

    @Test func allSixEntriesParse() throws {
        #expect(prices.keys.sorted() == ["claude-sonnet-4-5", "gemini/gemini-2.5-pro", "gpt-4o", "gpt-4o-mini", "o1", "o3-mini"])
        #expect(prices.values.allSatisfy { $0.isPriced })
    }

    @Test func gpt4oCachedPrompt() throws {
        // prompt 1000 (cached 200), completion 500 → 0.00725
        let usage = TokenUsage(inputUncached: 800, cacheRead: 200, output: 500)
        #expect(try nano("gpt-4o", usage) == 7_250_000)
        #expect(Money.format(nanoUSD: 7_250_000) == "0.00725")
    }

    @Test func gpt4oMiniStandardAndBatch() throws {
        let usage = TokenUsage(inputUncached: 1_000_000, output: 1_000_000)
        #expect(try nano("gpt-4o-mini", usage) == 750_000_000)
        #expect(try nano("gpt-4o-mini", usage, .batch) == 375_000_000)
    }

    @Test(arguments: [Int64(0), 1, 2_500, 5_000])
    func o1AnyReasoningShare(reasoning: Int64) throws {
        let usage = TokenUsage(inputUncached: 10_000, output: 5_000, reasoning: reasoning)
        #expect(try nano("o1", usage) == 450_000_000)
    }

    @Test func o3MiniReasoningAtOutputRate() throws {
        let usage = TokenUsage(inputUncached: 1_000, output: 2_000, reasoning: 1_500)
        #expect(try nano("o3-mini", usage) == 9_900_000)
    }

    @Test func claudeSonnet45CacheMix() throws {
        let usage = TokenUsage(inputUncached: 1_000, cacheRead: 3_000, cacheWrite5m: 2_000, output: 500)
        #expect(try nano("claude-sonnet-4-5", usage) == 18_900_000)
    }

    @Test func claudeSonnet45OneHourWrite() throws {
        #expect(try nano("claude-sonnet-4-5", TokenUsage(cacheWrite1h: 2_000)) == 12_000_000)
    }

    @Test func gemini25ProBelowAtAndAboveThreshold() throws {
        #expect(try nano("gemini/gemini-2.5-pro", TokenUsage(inputUncached: 100_000, output: 1_000)) == 135_000_000)
        #expect(try nano("gemini/gemini-2.5-pro", TokenUsage(inputUncached: 200_000, output: 1_000)) == 260_000_000)
        #expect(try nano("gemini/gemini-2.5-pro", TokenUsage(inputUncached: 250_000, output: 1_000)) == 640_000_000)
    }

    @Test func catalogPricesTheVectorsToo() throws {
        let catalog = PriceCatalog(prices: Array(prices.values), version: "§4.4")
        let result = catalog.cost(model: "gpt-4o", usage: TokenUsage(inputUncached: 800, cacheRead: 200, output: 500), at: 1_700_000_000)
        #expect(
            result
                == .priced(
                    Cost(
                        totalNanoUSD: 7_250_000,
                        components: [
                            CostComponent(kind: .inputUncached, tokens: 800, rate: try PricingTestSupport.rate("2.5e-06"), nanoUSD: 2_000_000),
                            CostComponent(kind: .cacheRead, tokens: 200, rate: try PricingTestSupport.rate("1.25e-06"), nanoUSD: 250_000),
                            CostComponent(kind: .outputText, tokens: 500, rate: try PricingTestSupport.rate("1e-05"), nanoUSD: 5_000_000),
                        ]), priceEffectiveFrom: 0))
    }
}
