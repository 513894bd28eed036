import Testing
import TollgateTestKit

@testable import TollgateCore

/// Choosing within a tier: the cheapest model that fits the call, by the catalog's window, output cap,
/// capabilities and price.
@Suite struct TierChoiceTests {
    static func candidate(
        _ name: String, input: String, output: String, window: Int, cap: Int = 4_096, tools: Bool = true, vision: Bool? = nil
    )
        throws -> RouteCandidate
    {
        let vision = vision.map { #", "supports_vision": \#($0)"# } ?? ""
        let body =
            #""input_cost_per_token": \#(input), "output_cost_per_token": \#(output), "max_input_tokens": \#(window), "#
            + #""max_output_tokens": \#(cap), "supports_function_calling": \#(tools)\#(vision)"#
        return RouteCandidate(name: name, price: try PricingTestSupport.price(name, body))
    }

    static func tier() throws -> [RouteCandidate] {
        [
            try candidate("big", input: "0.000005", output: "0.000015", window: 200_000, cap: 16_384, vision: true),
            try candidate("small", input: "0.0000001", output: "0.0000004", window: 8_000, tools: false),
            try candidate("mid", input: "0.000001", output: "0.000002", window: 32_000, vision: true),
        ]
    }

    @Test func theCheapestModelWhoseWindowHoldsThePromptWins() throws {
        let tier = try Self.tier()
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 1_000))?.name == "small")
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 8_001))?.name == "mid")
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 50_000))?.name == "big")
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 250_000)) == nil)
    }

    @Test func outputCapToolsAndImagesMustFitToo() throws {
        let tier = try Self.tier()
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 10, maxTokens: 8_000))?.name == "big")
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 10, traits: .init(tools: true)))?.name == "mid")
        // Unknown vision counts as none: `small` says nothing, so an image goes to `mid`.
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 10, traits: .init(images: true)))?.name == "mid")
    }

    @Test func anUnusableOrUnpricedModelIsNeverTakenAsCheap() throws {
        var tier = try Self.tier()
        tier[1].usable = false
        #expect(TierChoice.cheapest(tier, for: RouteRequest(estimatedInputTokens: 10))?.name == "mid")
        let unpriced = RouteCandidate(name: "free?", price: nil)
        #expect(TierChoice.cheapest([unpriced] + tier, for: RouteRequest(estimatedInputTokens: 10))?.name == "mid")
        #expect(TierChoice.cheapest([unpriced], for: RouteRequest(estimatedInputTokens: 10))?.name == "free?")
    }

    @Test func theRankingPricesTheEstimatedCallExactly() throws {
        let mid = try Self.tier()[2]
        // 1,000 input tokens at $1/M and the assumed 512 output tokens at $2/M.
        #expect(TierChoice.estimatedCost(mid, RouteRequest(estimatedInputTokens: 1_000)) == Int64(1_000 * 1_000 + 512 * 2_000))
        #expect(TierChoice.estimatedCost(mid, RouteRequest(estimatedInputTokens: 1_000, maxTokens: 10)) == Int64(1_000 * 1_000 + 10 * 2_000))
    }
}
