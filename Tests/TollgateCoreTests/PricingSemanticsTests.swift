import Testing
import TollgateCore
import TollgateTestKit

/// The cost rules of standards.md §4.3/§4.6: thresholds, bands, fallbacks, batch, rounding,
/// allocation and overflow.
@Suite struct PricingSemanticsTests {
    typealias Support = PricingTestSupport

    // MARK: Thresholds

    @Test func thresholdIsStrictlyGreaterAndCountsEveryInputKind() throws {
        let gemini = try #require(try Support.verbatim()["gemini/gemini-2.5-pro"])
        // 200,000 stays base; 200,001 moves the whole request (output too) to the tier.
        #expect(try Support.nano(gemini, TokenUsage(inputUncached: 200_000)) == 250_000_000)
        #expect(try Support.nano(gemini, TokenUsage(inputUncached: 200_001)) == 500_002_500)
        #expect(try Support.nano(gemini, TokenUsage(inputUncached: 200_001, output: 1)) == 500_002_500 + 15_000)
        // Cache reads and writes count toward the threshold …
        let mixed = TokenUsage(inputUncached: 199_990, cacheRead: 5, cacheWrite5m: 3, cacheWrite1h: 3, output: 10)
        let cost = try gemini.cost(of: mixed)
        #expect(cost.components.first { $0.kind == .cacheRead }?.rate == (try Support.rate("2.5e-07")))
        #expect(cost.components.first { $0.kind == .outputText }?.rate == (try Support.rate("1.5e-05")))
        // … cache writes have no above-200k key here: they fall back to the (tier) input rate.
        #expect(cost.components.first { $0.kind == .cacheWrite5m }?.rate == (try Support.rate("2.5e-06")))
        // … output never does.
        #expect(try Support.nano(gemini, TokenUsage(inputUncached: 200_000, output: 1_000_000)) == 250_000_000 + 10_000_000_000)
    }

    @Test func xaiThresholdIsInclusive() throws {
        let body =
            #""input_cost_per_token": 2e-06, "output_cost_per_token": 1e-05, "input_cost_per_token_above_200k_tokens": 4e-06, "output_cost_per_token_above_200k_tokens": 2e-05"#
        let xai = try Support.price("xai/grok", provider: "xai", body)
        let other = try Support.price("other/grok", provider: "openrouter", body)
        #expect(xai.thresholds.map(\.inclusive) == [true])
        #expect(other.thresholds.map(\.inclusive) == [false])
        #expect(try Support.nano(xai, TokenUsage(inputUncached: 200_000)) == 800_000_000)
        #expect(try Support.nano(other, TokenUsage(inputUncached: 200_000)) == 400_000_000)
        #expect(try Support.nano(xai, TokenUsage(inputUncached: 199_999)) == 399_998_000)
    }

    @Test func highestPassedThresholdWinsAndUntieredKindsKeepBase() throws {
        let price = try Support.price(
            #"""
            "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07, "cache_read_input_token_cost": 1e-08,
            "input_cost_per_token_above_32k_tokens": 3e-07, "output_cost_per_token_above_32k_tokens": 4e-07,
            "input_cost_per_token_above_256k_tokens": 5e-07, "output_cost_per_token_above_256k_tokens": 6e-07,
            "cache_read_input_token_cost_above_256k_tokens": 2e-08
            """#)
        #expect(price.thresholds.map(\.tokens) == [32_000, 256_000])
        let low = try price.resolvedRates(promptTokens: 32_000)
        let mid = try price.resolvedRates(promptTokens: 32_001)
        let high = try price.resolvedRates(promptTokens: 300_000)
        #expect(low.input == (try Support.rate("1e-07")))
        #expect(mid.input == (try Support.rate("3e-07")))
        #expect(mid.output == (try Support.rate("4e-07")))
        #expect(mid.cacheRead == (try Support.rate("1e-08")))  // no 32k key: base price
        #expect(high.input == (try Support.rate("5e-07")))
        #expect(high.output == (try Support.rate("6e-07")))
        #expect(high.cacheRead == (try Support.rate("2e-08")))
    }

    // MARK: Batch

    @Test func batchUsesExplicitTwinElseExactHalf() throws {
        let prices = try Support.verbatim()
        let o1 = try #require(prices["o1"])
        let batch = try o1.resolvedRates(promptTokens: 10, mode: .batch)
        #expect(batch.input == (try Support.rate("7.5e-06")))  // explicit
        #expect(batch.output == (try Support.rate("3e-05")))  // explicit
        #expect(batch.cacheRead == (try Support.rate("3.75e-06")))  // ½ of 7.5e-06, no twin
        let claude = try #require(prices["claude-sonnet-4-5"])
        let claudeBatch = try claude.resolvedRates(promptTokens: 10, mode: .batch)
        #expect(claudeBatch.cacheWrite == (try Support.rate("1.875e-06")))
        #expect(claudeBatch.cacheWrite1h == (try Support.rate("3e-06")))  // ½ of 6e-06
        // An explicit twin that is not half (xAI's 0.8×) wins.
        let xai = try Support.price(
            "m", provider: "xai", #""input_cost_per_token": 1.25e-06, "input_cost_per_token_batches": 1e-06, "output_cost_per_token": 2.5e-06"#)
        #expect(try Support.nano(xai, TokenUsage(inputUncached: 1_000, output: 1_000), .batch) == 1_000_000 + 1_250_000)
    }

    @Test func batchAboveThresholdUsesTierTwinElseHalfOfTier() throws {
        let gemini = try #require(try Support.verbatim()["gemini/gemini-2.5-pro"])
        let rates = try gemini.resolvedRates(promptTokens: 250_000, mode: .batch)
        #expect(rates.input == (try Support.rate("1.25e-06")))
        #expect(rates.output == (try Support.rate("7.5e-06")))
        #expect(rates.cacheRead == (try Support.rate("2.5e-07")))
        #expect(try Support.nano(gemini, TokenUsage(inputUncached: 250_000, output: 1_000), .batch) == 312_500_000 + 7_500_000)
    }

    @Test func halfOfAnOddTwentyFourDigitRateStaysExact() throws {
        let price = try Support.price(#""input_cost_per_token": 1.0000000000000001e-07, "output_cost_per_token": 0"#)
        // Half of 1.0000000000000001e-07 is 5.00000000000000005e-08 (a 25th decimal digit).
        let cost = try price.cost(of: TokenUsage(inputUncached: 10_000_000_000_000_000), mode: .batch)
        #expect(cost.totalNanoUSD == 500_000_000_000_000_050)
        #expect(cost.components.first?.rate.description == "0.000000050000000000000005")
        // 1e14 tokens: 5,000,000 USD + 0.5 nano exactly → half-even keeps the even nano;
        // 3e14 tokens: 15,000,000 USD + 1.5 nano → 2.
        #expect(try Support.nano(price, TokenUsage(inputUncached: 100_000_000_000_000), .batch) == 5_000_000_000_000_000)
        #expect(try Support.nano(price, TokenUsage(inputUncached: 300_000_000_000_000), .batch) == 15_000_000_000_000_002)
    }

    // MARK: Fallbacks

    @Test func explicitZeroIsHonouredInEveryMode() throws {
        let price = try Support.price(
            #""input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "cache_read_input_token_cost": 0.0, "cache_creation_input_token_cost": 0"#
        )
        let usage = TokenUsage(cacheRead: 1_000, cacheWrite5m: 1_000, cacheWrite1h: 1_000)
        #expect(try Support.nano(price, usage) == 0)
        #expect(try Support.nano(price, usage, .batch) == 0)
        let cost = try price.cost(of: usage)
        #expect(cost.components.map(\.kind) == [.cacheRead, .cacheWrite5m, .cacheWrite1h])
        #expect(cost.components.allSatisfy { $0.rate == .zero && $0.nanoUSD == 0 })
    }

    @Test func missingCacheRatesFallBackToInput() throws {
        let price = try Support.price(#""input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06"#)
        let usage = TokenUsage(cacheRead: 1_000, cacheWrite5m: 2_000, cacheWrite1h: 3_000)
        #expect(try Support.nano(price, usage) == 6_000_000)
        #expect(try Support.nano(price, usage, .batch) == 3_000_000)
    }

    @Test func missingOneHourRateFallsBackToFiveMinuteRate() throws {
        let price = try Support.price(
            #""input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_batches": 1e-06"#
        )
        #expect(try Support.nano(price, TokenUsage(cacheWrite1h: 1_000)) == 1_250_000)
        #expect(try Support.nano(price, TokenUsage(cacheWrite1h: 1_000), .batch) == 1_000_000)
        let withHour = try Support.price(
            #""input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "cache_creation_input_token_cost": 1.25e-06, "cache_creation_input_token_cost_above_1hr": 2e-06"#
        )
        #expect(try Support.nano(withHour, TokenUsage(cacheWrite5m: 1_000, cacheWrite1h: 1_000)) == 1_250_000 + 2_000_000)
    }

    @Test func reasoningUsesItsOwnRateWhenGiven() throws {
        let price = try Support.price(#""input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "output_cost_per_reasoning_token": 8e-06"#)
        let cost = try price.cost(of: TokenUsage(output: 1_000, reasoning: 400))
        #expect(cost.totalNanoUSD == 600 * 2_000 + 400 * 8_000)
        #expect(cost.components.map(\.kind) == [.outputText, .reasoning])
        #expect(cost.components.map(\.tokens) == [600, 400])
        // Reasoning above output is capped at output: output is never billed twice.
        #expect(try Support.nano(price, TokenUsage(output: 100, reasoning: 500)) == 100 * 8_000)
    }

    // MARK: Tiered pricing

    @Test func tieredBandsChooseOnceFromPromptCount() throws {
        let price = try Support.price(
            "dashscope/qwen-plus", provider: "dashscope",
            #"""
            "tiered_pricing": [
              {"input_cost_per_token": 4e-07, "output_cost_per_token": 1.2e-06, "output_cost_per_reasoning_token": 4e-06, "range": [0, 256000.0]},
              {"input_cost_per_token": 1.2e-06, "output_cost_per_token": 3.6e-06, "output_cost_per_reasoning_token": 1.2e-05, "range": [256000.0, 1000000.0]}
            ]
            """#)
        #expect(price.isPriced)
        #expect(price.tiered.map(\.lowerTokens) == [0, 256_000])
        #expect(price.tiered.map(\.upperTokens) == [256_000, 1_000_000])
        // Zero-token prompt: the first band.
        #expect(try Support.nano(price, TokenUsage(output: 1_000, reasoning: 500)) == 500 * 1_200 + 500 * 4_000)
        // Boundary 256,000 is in the first band (lower < count ≤ upper); 256,001 in the second.
        #expect(try Support.nano(price, TokenUsage(inputUncached: 256_000, output: 10)) == 256_000 * 400 + 10 * 1_200)
        #expect(try Support.nano(price, TokenUsage(inputUncached: 256_001, output: 10)) == 256_001 * 1_200 + 10 * 3_600)
        // Above every band: the last.
        #expect(try Support.nano(price, TokenUsage(inputUncached: 2_000_000)) == 2_000_000 * 1_200)
        // Cache reads count toward the band and, with no cache rate in the band, pay its input rate.
        let cost = try price.cost(of: TokenUsage(inputUncached: 256_000, cacheRead: 1), mode: .batch)
        #expect(cost.components.map(\.rate) == [try Support.rate("6e-07"), try Support.rate("6e-07")])
    }

    // MARK: Rounding and allocation

    @Test(arguments: [(Int64(1), Int64(0)), (2, 1), (3, 2), (5, 2), (7, 4), (9, 4)])
    func totalRoundsHalfEvenOnce(tokens: Int64, expected: Int64) throws {
        // 5e-10 USD per token = half a nano-USD per token.
        let price = try Support.price(#""input_cost_per_token": 5e-10, "output_cost_per_token": 5e-10"#)
        #expect(try Support.nano(price, TokenUsage(inputUncached: tokens)) == expected)
    }

    @Test func roundingIsOnTheExactTotalNotPerLine() throws {
        // Two components of 0.5 nano each: per-line half-even would give 0 + 0; the exact total is 1.
        let price = try Support.price(#""input_cost_per_token": 5e-10, "output_cost_per_token": 5e-10"#)
        let cost = try price.cost(of: TokenUsage(inputUncached: 1, output: 1))
        #expect(cost.totalNanoUSD == 1)
        // Tie on the remainder: the earlier component gets the nano.
        #expect(cost.components.map(\.nanoUSD) == [1, 0])
    }

    @Test func largestRemainderAllocationSumsExactly() throws {
        let price = try Support.price(#""input_cost_per_token": 3e-10, "cache_read_input_token_cost": 3e-10, "output_cost_per_token": 4e-10"#)
        let cost = try price.cost(of: TokenUsage(inputUncached: 1, cacheRead: 1, output: 1))
        #expect(cost.totalNanoUSD == 1)
        #expect(cost.components.map(\.nanoUSD) == [0, 0, 1])
        let bigger = try price.cost(of: TokenUsage(inputUncached: 7, cacheRead: 11, output: 13))
        // 2.1 + 3.3 + 5.2 = 10.6 → 11; floors 2 + 3 + 5 = 10; one nano to the .3 remainder.
        #expect(bigger.totalNanoUSD == 11)
        #expect(bigger.components.map(\.nanoUSD) == [2, 4, 5])
        #expect(bigger.components.reduce(0) { $0 + $1.nanoUSD } == bigger.totalNanoUSD)
    }

    // MARK: Overflow and invalid usage

    @Test func overflowIsReportedNotWrapped() throws {
        let gpt4o = try #require(try Support.verbatim()["gpt-4o"])
        let catalog = PriceCatalog(prices: [gpt4o], version: "t")
        // Int128 overflow in tokens × rate.
        let tooManyTokens = #expect(throws: PricingError.self) { try gpt4o.cost(of: TokenUsage(output: .max)) }
        #expect(tooManyTokens?.isOverflow == true)
        // Fits Int128 but the total exceeds Int64 nano-USD.
        let tooManyNanos = #expect(throws: PricingError.self) { try gpt4o.cost(of: TokenUsage(output: 1_000_000_000_000_000_000)) }
        #expect(tooManyNanos?.isOverflow == true)
        // The prompt count itself overflows Int64.
        let tooLongPrompt = #expect(throws: PricingError.self) { try gpt4o.cost(of: TokenUsage(inputUncached: .max, cacheRead: 1)) }
        #expect(tooLongPrompt?.isOverflow == true)
        guard case .unpriced(let reason) = catalog.cost(model: "gpt-4o", usage: TokenUsage(output: .max), at: 0) else {
            Issue.record("an overflowing cost must be unpriced")
            return
        }
        #expect(reason.contains("overflow"))
    }

    @Test func negativeCountsAreRejected() throws {
        let gpt4o = try #require(try Support.verbatim()["gpt-4o"])
        #expect(throws: PricingError.self) { try gpt4o.cost(of: TokenUsage(inputUncached: -1)) }
    }

    @Test func floatArtefactPriceIsKeptExactly() throws {
        let price = try Support.price(#""input_cost_per_token": 1.0000000000000001e-07, "output_cost_per_token": 5e-07"#)
        #expect(price.base.input?.description == "0.00000010000000000000001")
        #expect(price.base.input?.perMillionString == "0.10000000000000001")
        // 1e16 tokens: the 17th significant digit shows up in the nanos.
        #expect(try Support.nano(price, TokenUsage(inputUncached: 10_000_000_000_000_000)) == 1_000_000_000_000_000_100)
    }

    // MARK: Unpriced

    @Test func entriesWithoutPricesAreUnpriced() throws {
        let bare = try Support.price(#""max_input_tokens": 8192"#)
        #expect(!bare.isPriced)
        #expect(throws: PricingError.self) { try bare.cost(of: TokenUsage(inputUncached: 1)) }
        let catalog = PriceCatalog(prices: [bare], version: "t")
        guard case .unpriced(let reason) = catalog.cost(model: "m", usage: TokenUsage(inputUncached: 1), at: 0) else {
            Issue.record("expected unpriced")
            return
        }
        #expect(reason.contains("'m'"))
        // Not even zero usage is priced at $0 for an unpriced model.
        #expect(catalog.cost(model: "m", usage: .zero, at: 0).cost == nil)
    }

    @Test func tokensOfATypeWithNoRateAtAllAreUnpriced() throws {
        // Like twelvelabs pegasus: output priced per token, input only per video second.
        let price = try Support.price(#""input_cost_per_video_per_second": 0.00049, "output_cost_per_token": 7.5e-06"#)
        #expect(price.isPriced)
        #expect(try Support.nano(price, TokenUsage(output: 1_000)) == 7_500_000)
        let noInputRate = #expect(throws: PricingError.self) { try price.cost(of: TokenUsage(inputUncached: 10, output: 1_000)) }
        #expect(noInputRate?.description.contains("no input price") == true)
    }

    @Test func zeroUsageCostsZeroWithNoComponents() throws {
        let gpt4o = try #require(try Support.verbatim()["gpt-4o"])
        #expect(try gpt4o.cost(of: .zero) == .zero)
    }
}
