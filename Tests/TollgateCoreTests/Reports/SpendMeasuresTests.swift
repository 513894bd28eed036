import Testing
import TollgateCore

/// Token figures count every token once: the ledger's output already holds the reasoning tokens.
@Suite struct SpendMeasuresTests {
    /// One o4-mini call: 7 input tokens, 40 output tokens of which 10 were reasoning.
    static let reasoningCall = SpendMeasures(calls: 1, inputUncached: 7, output: 40, reasoning: 10, costNanoUSD: 1_000)

    @Test func reasoningTokensAreCountedOnce() {
        #expect(Self.reasoningCall.totalTokens == 47)
    }

    @Test func tokensPerDecisionAndTheThroughputIndexUseTheSameCount() {
        var outcomes = OutcomeTotals()
        outcomes.outcomes = 2
        outcomes.successes = 1
        outcomes.valueNanoUSD = 2_000_000_000
        let metrics = UnitMetrics.compute(spend: Self.reasoningCall, outcomes: outcomes, hours: 1)
        #expect(metrics.tokens == 47)
        #expect(metrics.tokensPerDecision == 23.5)
        // $2 × 1 success/hour ÷ (47 / 10⁶ tokens)
        #expect(metrics.valueAdjustedThroughputIndex.map { abs($0 - 2.0 / (47.0 / 1e6)) < 1e-6 } == true)
    }

    @Test func sumsOfMeasuresKeepTheCount() throws {
        var total = Self.reasoningCall
        try total.add(SpendMeasures(calls: 1, inputUncached: 3, cacheRead: 5, output: 2))
        #expect(total.totalTokens == 47 + 10)
    }
}
