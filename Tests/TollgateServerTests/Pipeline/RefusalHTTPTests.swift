import HTTPTypes
import Hummingbird
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateServer

/// How refusals are answered over HTTP: one status per kind, and headers that carry their facts.
@Suite struct RefusalHTTPTests {
    @Test(arguments: [
        (GovernanceRefusal.Code.budgetExceeded, 429), (.rateLimitExceeded, 429), (.agentLimitExceeded, 429), (.killSwitch, 503),
        (.modelNotAllowed, 403), (.workflowNotRegistered, 403), (.unpricedModel, 403), (.inputTooLarge, 400),
    ])
    func eachKindHasItsStatus(code: GovernanceRefusal.Code, status: Int) {
        #expect(GovernanceRefusal(code: code, message: "m", rule: "r").httpStatus == status)
    }

    @Test func aBudgetRefusalNamesTheBudgetItsLimitAndItsSpend() {
        let refusal = GovernanceRefusal(
            code: .budgetExceeded, message: "m", retryAfterSeconds: 30,
            detail: .budget(name: "team-month", limitNanoUSD: 5_000_000_000, spentNanoUSD: 4_999_000_000),
            rule: "budget:team-month")
        #expect(
            refusal.httpHeaders == [
                "x-tollgate-budget": "team-month", "x-tollgate-budget-limit-usd": Money.format(nanoUSD: 5_000_000_000),
                "x-tollgate-budget-spent-usd": Money.format(nanoUSD: 4_999_000_000),
            ])
        let error = GatewayError(refusal, dialect: .openai, requestID: "tg_9")
        #expect(error.status == .tooManyRequests && error.error.code.rawValue == "budget_exceeded" && error.retryAfter == 30 && error.shouldRetry)
        let later = GatewayError(
            GovernanceRefusal(code: .budgetExceeded, message: "m", retryAfterSeconds: 3_600, rule: "r"), dialect: .openai, requestID: "x")
        #expect(!later.shouldRetry)
    }

    @Test func anAgentRefusalCarriesTheTraceTotals() {
        let refusal = GovernanceRefusal(
            code: .agentLimitExceeded, message: "m", detail: .trace(TraceTotals(calls: 7, tokens: 1_200, costNanoUSD: 12_500_000, firstMs: 0)),
            rule: "r")
        #expect(
            refusal.httpHeaders == [
                "x-tollgate-trace-calls": "7", "x-tollgate-trace-tokens": "1200", "x-tollgate-trace-cost-usd": Money.format(nanoUSD: 12_500_000),
            ])
    }

    @Test func rateLimitsReadAsOpenAIHeaders() {
        let snapshot = RateLimitSnapshot(
            requests: .init(limit: 60, remaining: 0, msToFull: 850), tokens: .init(limit: 10_000, remaining: 2_500, msToFull: 90_000))
        #expect(
            snapshot.httpHeaders == [
                "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "850ms",
                "x-ratelimit-limit-tokens": "10000", "x-ratelimit-remaining-tokens": "2500", "x-ratelimit-reset-tokens": "1m30s",
            ])
        #expect(RateLimitSnapshot.resetText(ms: 5_001) == "6s")
        #expect(GovernanceRefusal(code: .killSwitch, message: "m", rule: "r").httpHeaders.isEmpty)
    }
}
