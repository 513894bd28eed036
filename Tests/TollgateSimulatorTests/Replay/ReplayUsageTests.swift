import Testing
import TollgateCore
import TollgateSimulator

@Suite struct ReplayUsageTests {
    static let gpt4 = ReplayPrice.routerBench(model: "gpt-4-1106-preview")!
    static let mixtral = ReplayPrice.routerBench(model: "mistralai/mixtral-8x7b-chat")!

    @Test func outputTakesWhatTheInputEstimateLeavesOfTheCost() {
        // 461 × $10/M = $0.00461; the remaining $0.00072 is 24 tokens at $30/M.
        let counts = ReplayUsage.matchingCost(nanoUSD: 5_330_000, inputTokens: 461, outputTokens: 1, price: Self.gpt4)
        #expect(counts == (461, 24))
    }

    @Test func inputMovesByLessThanOneCycleToMeetTheCostExactly() {
        // 5,330,000 − 460 × 10,000 = 730,000: not whole tokens at 30,000, so input moves to 461.
        let counts = ReplayUsage.matchingCost(nanoUSD: 5_330_000, inputTokens: 460, outputTokens: 1, price: Self.gpt4)
        #expect(counts == (461, 24))
        let far = ReplayUsage.matchingCost(nanoUSD: 5_330_000, inputTokens: 462, outputTokens: 1, price: Self.gpt4)
        #expect(far.input * 10_000 + far.output * 30_000 == 5_330_000)
        #expect(abs(far.input - 462) <= 2)
    }

    @Test func estimatesThatCostTooMuchAreScaledDownTogether() {
        // 150 + 50 tokens at $0.60/M cost twice the recorded $0.00006: both halve.
        let counts = ReplayUsage.matchingCost(nanoUSD: 60_000, inputTokens: 150, outputTokens: 50, price: Self.mixtral)
        #expect(counts == (75, 25))
        let inputOnly = ReplayUsage.matchingCost(nanoUSD: 99_600, inputTokens: 1_000, outputTokens: 0, price: Self.mixtral)
        #expect(inputOnly == (166, 0))
    }

    @Test func aCostNoWholeTokensReachIsMetToWithinHalfAnOutputToken() {
        let counts = ReplayUsage.matchingCost(nanoUSD: 100_000, inputTokens: 10, outputTokens: 5, price: Self.mixtral)
        #expect(abs(Int64(counts.input + counts.output) * 600 - 100_000) <= 300)
        #expect(counts.input == 10)
    }

    @Test func estimatedModeAndUnpricedModelsUseTheTextEstimates() {
        let answer = RecordedAnswer(model: "gpt-4-1106-preview", response: "twelve bytes", score: 1, costUSD: 0.00533)
        let estimated = ReplayUsage.usage(of: answer, inputTokens: 461, mode: .estimated)
        #expect(estimated == TokenUsage(inputUncached: 461, output: 3))
        let matched = ReplayUsage.usage(of: answer, inputTokens: 461, mode: .recordedCost)
        #expect(matched == TokenUsage(inputUncached: 461, output: 24))
        var unpriced = answer
        unpriced.model = "acme/unknown"
        #expect(ReplayUsage.usage(of: unpriced, inputTokens: 461, mode: .recordedCost) == estimated)
        var uncosted = answer
        uncosted.costUSD = nil
        #expect(ReplayUsage.usage(of: uncosted, inputTokens: 461, mode: .recordedCost) == estimated)
    }

    /// Every answer of every file: priced by the gateway's own pricing at the table's rates, the usage
    /// costs the recorded cost to the nano-USD (the recorded float rounded once). Input is within two
    /// tokens of the estimate when the estimates cost no more than the recording, and below it otherwise.
    @Test(arguments: RouterBenchFixture.files)
    func everyRecordedCostIsReproducedExactly(file: String) throws {
        let set = try RouterBenchFixture.set(file)
        var checked = 0
        for prompt in set.prompts {
            let estimate = TokenEstimator.tokens(in: prompt.text)
            for answer in prompt.answers.values {
                let price = try #require(ReplayPrice.routerBench(model: answer.model))
                let usage = ReplayUsage.usage(of: answer, inputTokens: estimate, mode: .recordedCost)
                let cost = try price.modelPrice.cost(of: usage).totalNanoUSD
                let recorded = try #require(answer.costUSD)
                #expect(cost == answer.costNanoUSD, "\(file) row \(prompt.row) \(answer.model)")
                #expect(abs(Double(cost) / 1e9 - recorded) <= 0.5e-9)
                let output = TokenEstimator.tokens(in: answer.response)
                let estimated = try price.modelPrice.cost(of: TokenUsage(inputUncached: estimate, output: output)).totalNanoUSD
                if estimated <= cost {
                    #expect(abs(usage.inputUncached - estimate) <= 2)
                } else {
                    #expect(usage.inputUncached <= estimate + 2)
                }
                #expect(usage.output >= 0)
                checked += 1
            }
        }
        #expect(checked == set.prompts.count * 11)
    }

    /// Prices fitted by least squares (on relative error) to the simulator's own token estimates land
    /// within 3% of the table's input prices, confirming the table from the data.
    @Test func pricesFittedToTheEstimatesAgreeWithTheTable() throws {
        let all = try RouterBenchFixture.all.get()
        for model in RouterBenchFixture.models {
            // Normal equations of min Σ (a·x/c + b·y/c − 1)².
            var (xx, xy, yy, x1, y1) = (0.0, 0.0, 0.0, 0.0, 0.0)
            for prompt in all.prompts {
                let answer = try #require(prompt.answers[model])
                let cost = try #require(answer.costUSD)
                let x = Double(TokenEstimator.tokens(in: prompt.text)) / cost
                let y = Double(TokenEstimator.tokens(in: answer.response)) / cost
                (xx, xy, yy, x1, y1) = (xx + x * x, xy + x * y, yy + y * y, x1 + x, y1 + y)
            }
            let determinant = xx * yy - xy * xy
            let fittedInput = (x1 * yy - y1 * xy) / determinant
            let price = try #require(ReplayPrice.routerBench(model: model))
            let listed = Double(price.input.units) / 1e25
            #expect(abs(fittedInput / listed - 1) < 0.03, "\(model): fitted \(fittedInput * 1e6) per million, listed \(listed * 1e6)")
        }
    }
}
