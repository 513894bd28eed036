import Foundation
import Testing

@testable import TollgateCore

/// The governor on its own: reservations, periods in a time zone, thresholds, rolling windows, reloads.
@Suite struct GovernorTests {
    /// $1 per 1M input tokens (1,000 nano-USD a token), $2 per 1M output tokens (2,000 a token).
    static let catalog = PriceCatalog(
        prices: [ModelPrice(model: "m", base: RateSet(input: USDRate(perMillion: "1"), output: USDRate(perMillion: "2")))], version: "test")

    static func rules(_ yaml: GovernanceConfiguration) throws(ConfigurationError) -> GovernanceRules {
        try GovernanceRules(yaml, models: ["m"], providers: ["p"])
    }

    static func facts(team: String = "support", at ms: Int64, trace: String? = nil) -> RequestFacts {
        RequestFacts(
            attribution: Attribution(keyID: "k", team: team, traceID: trace), model: "m", provider: "p", priceModel: "m", inputBytes: 1,
            estimatedInputTokens: 1, maxTokens: 1, nowMs: ms)
    }

    static func entry(cost: Int64, at ms: Int64) -> LedgerEntry {
        LedgerEntry(
            id: UUID().uuidString, timestampMs: ms, route: "chat.completions", provider: "p", requestedModel: "m", servedModel: "m", stream: false,
            status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 1, output: 1), pricing: .priced, costNanoUSD: cost,
            attribution: Attribution(keyID: "k"))
    }

    static func ticket(_ verdict: AdmissionVerdict) -> GovernanceTicket? {
        if case .admitted(let ticket) = verdict { return ticket }
        return nil
    }

    /// 2026-11-26 22:59:59.999 UTC is the last millisecond of 26 November in Berlin (UTC+1).
    static let lastBerlinMs: Int64 = 1_795_733_999_999

    @Test func dayBudgetResetsAtLocalMidnightInItsTimeZone() throws {
        let config = GovernanceConfiguration(
            timeZone: "Europe/Berlin",
            budgets: [BudgetRule(name: "daily", scope: GovernanceScope([.team: .each]), period: "day", limitUSD: "0.00001")])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        // Each call may cost up to 3,000 nano (1 input + 1 output token); each really costs 4,000.
        for _ in 0..<2 {
            let ticket = try #require(Self.ticket(governor.admit(Self.facts(at: Self.lastBerlinMs))))
            governor.settle(ticket, entry: Self.entry(cost: 4_000, at: Self.lastBerlinMs))
        }
        guard case .refused(let refusal) = governor.admit(Self.facts(at: Self.lastBerlinMs)) else {
            Issue.record("8,000 spent + 3,000 reserved must not fit 10,000")
            return
        }
        #expect(refusal.code == .budgetExceeded)
        #expect(refusal.message.contains("day 2026-11-26") && refusal.message.contains("resets at 2026-11-26 23:00:00 UTC"))
        #expect(refusal.retryAfterSeconds == 1)
        // Another team has its own counter.
        #expect(Self.ticket(governor.admit(Self.facts(team: "legal", at: Self.lastBerlinMs))) != nil)
        // One millisecond later it is 27 November in Berlin: a new period.
        #expect(Self.ticket(governor.admit(Self.facts(at: Self.lastBerlinMs + 1))) != nil)
    }

    @Test func admissionIsAllOrNothingAcrossBudgets() throws {
        let config = GovernanceConfiguration(budgets: [
            BudgetRule(name: "roomy", period: "month", limitUSD: "1"),
            BudgetRule(name: "tight", scope: GovernanceScope([.team: .equals("support")]), period: "month", limitUSD: "0.000002"),
        ])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        guard case .refused(let refusal) = governor.admit(Self.facts(at: 1_000)) else {
            Issue.record("the tight budget must refuse")
            return
        }
        #expect(refusal.rule == "budget:tight")
        #expect(governor.budgetStatus(nowMs: 1_000).allSatisfy { $0.reservedNanoUSD == 0 })
        // A call the tight budget does not govern is admitted by the roomy one and reserves there only.
        let ticket = try #require(Self.ticket(governor.admit(Self.facts(team: "legal", at: 1_000))))
        #expect(ticket.budgets == ["roomy"])
        #expect(governor.budgetStatus(nowMs: 1_000).first { $0.budget == "roomy" }?.reservedNanoUSD == 3_000)
        governor.release(ticket)
        #expect(governor.budgetStatus(nowMs: 1_000).allSatisfy { $0.reservedNanoUSD == 0 && $0.spentNanoUSD == 0 })
    }

    @Test func thresholdsFireOncePerPeriod() throws {
        let config = GovernanceConfiguration(budgets: [BudgetRule(name: "b", period: "month", limitUSD: "0.00001", thresholds: [50, 100])])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        let november: Int64 = 1_794_000_000_000
        func spend(_ cost: Int64, at ms: Int64) throws -> [Int] {
            let ticket = try #require(Self.ticket(governor.admit(Self.facts(at: ms))))
            return governor.settle(ticket, entry: Self.entry(cost: cost, at: ms)).map(\.thresholdPercent)
        }
        #expect(try spend(4_000, at: november) == [])
        #expect(try spend(1_000, at: november) == [50])
        #expect(try spend(1_000, at: november) == [])
        #expect(try spend(4_000, at: november) == [100])
        // December is a new period: the same thresholds fire again.
        let december = november + 31 * 86_400_000
        #expect(try spend(6_000, at: december) == [50])
    }

    @Test func estimateModeReportsItsOvershoot() throws {
        let config = GovernanceConfiguration(budgets: [BudgetRule(name: "e", period: "lifetime", limitUSD: "0.00001", mode: .estimate)])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        let first = try #require(Self.ticket(governor.admit(Self.facts(at: 0))))
        let second = try #require(Self.ticket(governor.admit(Self.facts(at: 0))))
        governor.settle(first, entry: Self.entry(cost: 7_000, at: 0))
        governor.settle(second, entry: Self.entry(cost: 7_000, at: 0))
        #expect(governor.maxOvershootNano == 4_000)
        #expect(governor.budgetStatus(nowMs: 0).first?.overshootNanoUSD == 4_000)
    }

    @Test func rollingWindowsForgetOldSpend() throws {
        let config = GovernanceConfiguration(budgets: [BudgetRule(name: "r", period: "rolling 1h", limitUSD: "0.000005")])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        let t0: Int64 = 1_800_000_000_000
        let ticket = try #require(Self.ticket(governor.admit(Self.facts(at: t0))))
        governor.settle(ticket, entry: Self.entry(cost: 4_000, at: t0))
        if case .admitted = governor.admit(Self.facts(at: t0 + 60_000)) { Issue.record("4,000 + 3,000 exceeds 5,000 within the hour") }
        #expect(Self.ticket(governor.admit(Self.facts(at: t0 + 3_600_000 + 150_000 + 1))) != nil)
    }

    @Test func agentLimitsCountCallsAndTokensPerTrace() throws {
        let config = GovernanceConfiguration(agentLimits: [AgentLimitRule(name: "task", maxCalls: 2, maxTokens: 100)])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        let a = try #require(Self.ticket(governor.admit(Self.facts(at: 0, trace: "t"))))
        let b = try #require(Self.ticket(governor.admit(Self.facts(at: 0, trace: "t"))))
        guard case .refused(let refusal) = governor.admit(Self.facts(at: 0, trace: "t")) else {
            Issue.record("a third concurrent call must be refused")
            return
        }
        #expect(refusal.code == .agentLimitExceeded && refusal.message.contains("made 2 calls"))
        governor.release(a)
        governor.release(b)
        #expect(Self.ticket(governor.admit(Self.facts(at: 0, trace: "t"))) != nil)
        #expect(Self.ticket(governor.admit(Self.facts(at: 0, trace: "other"))) != nil)
    }

    @Test func agentLimitsResumeFromTheLedgerAfterARestart() async throws {
        struct Ledger: SpendSource {
            func spend(scope: GovernanceScope, fromMs: Int64?, toMs: Int64?, bucketMs: Int64?) throws -> [SettledSpend] { [] }
            func traceTotals(_ traceID: String) throws -> TraceTotals? {
                traceID == "long-task" ? TraceTotals(calls: 4, tokens: 40, costNanoUSD: 12_000, firstMs: 1_000) : nil
            }
            func alerts(sinceMs: Int64) throws -> [BudgetAlert] { [] }
        }
        let config = GovernanceConfiguration(agentLimits: [AgentLimitRule(name: "task", maxCalls: 5, maxDuration: .seconds(600))])
        let governor = try await Governor(rules: try Self.rules(config), catalog: Self.catalog, source: Ledger(), nowMs: 2_000)
        // The trace made 4 calls before the restart: one more is allowed, then it stops.
        await governor.prepare(Self.facts(at: 2_000, trace: "long-task"))
        let fifth = try #require(Self.ticket(governor.admit(Self.facts(at: 2_000, trace: "long-task"))))
        governor.settle(fifth, entry: Self.entry(cost: 3_000, at: 2_000))
        guard case .refused(let refusal) = governor.admit(Self.facts(at: 3_000, trace: "long-task")) else {
            Issue.record("the sixth call of the trace must be refused")
            return
        }
        #expect(refusal.message.contains("made 5 calls") && refusal.message.contains("$0.000015"))
        // Its duration counts from its first call before the restart.
        if case .admitted = governor.admit(Self.facts(at: 1_000 + 600_001, trace: "long-task")) { Issue.record("the trace ran out of time") }
        #expect(Self.ticket(governor.admit(Self.facts(at: 3_000, trace: "new-task"))) != nil)
    }

    @Test func absurdMaxTokensAreRefusedOrAdmittedWithoutOverflow() throws {
        var facts = Self.facts(at: 0, trace: "t")
        facts.maxTokens = Int64.max
        facts.choices = 128
        let budget = Governor(
            rules: try Self.rules(GovernanceConfiguration(budgets: [BudgetRule(name: "b", period: "day", limitUSD: "5")])), catalog: Self.catalog)
        guard case .refused(let refusal) = budget.admit(facts) else {
            Issue.record("a call that may cost far more than the limit must be refused")
            return
        }
        #expect(refusal.code == .budgetExceeded)
        let calls = Governor(
            rules: try Self.rules(GovernanceConfiguration(agentLimits: [AgentLimitRule(name: "calls", maxCalls: 100)])), catalog: Self.catalog)
        for _ in 0..<50 { #expect(Self.ticket(calls.admit(facts)) != nil) }
    }

    @Test func aCallLargerThanItsBucketEmptiesItWithoutLockingTheScopeOut() throws {
        let rule = RateLimitRule(name: "tpm", scope: GovernanceScope([.team: .each]), tokensPerMinute: 1_000)
        let governor = Governor(rules: try Self.rules(GovernanceConfiguration(rateLimits: [rule])), catalog: Self.catalog)
        var huge = Self.facts(at: 0)
        huge.inputBytes = 50_000_000
        huge.estimatedInputTokens = 50_000_000
        let ticket = try #require(Self.ticket(governor.admit(huge)))
        var used = Self.entry(cost: 0, at: 0)
        used.usage = TokenUsage(inputUncached: 90_000_000)
        governor.settle(ticket, entry: used)
        guard case .refused(let refusal) = governor.admit(Self.facts(at: 1)) else {
            Issue.record("an empty bucket must refuse")
            return
        }
        #expect((refusal.retryAfterSeconds ?? .max) <= 60, "a minute's bucket refills within a minute, whatever was taken")
        #expect(Self.ticket(governor.admit(Self.facts(at: 60_001))) != nil)
    }

    @Test func aDeclaredWorkflowOfAnotherTeamCannotSpendItsBudget() throws {
        // beta-flow is beta's, with a budget that fits one call (3,000 nano-USD each at most).
        let config = GovernanceConfiguration(workflows: [WorkflowDefinition(name: "beta-flow", owner: "bea", team: "beta", budgetUSD: "0.000003")])
        let governor = Governor(rules: try Self.rules(config), catalog: Self.catalog)
        func call(team: String, declared: Bool) -> GovernanceTicket? {
            var facts = Self.facts(team: team, at: 0)
            facts.attribution.workflow = "beta-flow"
            if declared { facts.attribution.declared.insert(.workflow) }
            return Self.ticket(governor.admit(facts))
        }
        // Alpha names beta's workflow in a header as often as it likes: beta's budget is untouched.
        for _ in 0..<5 { #expect(call(team: "alpha", declared: true)?.budgets.isEmpty == true) }
        // Beta's own calls count, and its budget still has room for one.
        #expect(call(team: "beta", declared: true)?.budgets.isEmpty == false)
        #expect(call(team: "beta", declared: false) == nil)
    }

    @Test func reloadKeepsUnchangedBudgetsAndLoadsNewOnesFromTheLedger() async throws {
        struct Ledger: SpendSource {
            func spend(scope: GovernanceScope, fromMs: Int64?, toMs: Int64?, bucketMs: Int64?) throws -> [SettledSpend] {
                [SettledSpend(scopeKey: "", nanoUSD: 2_500)]
            }
            func traceTotals(_ traceID: String) throws -> TraceTotals? { nil }
            func alerts(sinceMs: Int64) async throws -> [BudgetAlert] { [] }
        }
        let old = BudgetRule(name: "old", period: "month", limitUSD: "1")
        let governor = try await Governor(
            rules: try Self.rules(GovernanceConfiguration(budgets: [old])), catalog: Self.catalog, source: Ledger(), nowMs: 0)
        let ticket = try #require(Self.ticket(governor.admit(Self.facts(at: 0))))
        governor.settle(ticket, entry: Self.entry(cost: 500, at: 0))
        let added = BudgetRule(name: "new", period: "month", limitUSD: "1")
        try await governor.reload(try Self.rules(GovernanceConfiguration(budgets: [old, added])), nowMs: 0)
        let status = Dictionary(uniqueKeysWithValues: governor.budgetStatus(nowMs: 0).map { ($0.budget, $0.spentNanoUSD) })
        #expect(status == ["old": 3_000, "new": 2_500])
    }

    @Test func badRulesAreRejectedWithKeyPaths() throws {
        let config = GovernanceConfiguration(
            timeZone: "Nowhere/Atlantis",
            budgets: [
                BudgetRule(name: "a", period: "fortnight", limitUSD: "0"), BudgetRule(name: "a", period: "day", limitUSD: "99999999999"),
                BudgetRule(name: "d", limitUSD: "1", action: .downgrade),
            ],
            rateLimits: [RateLimitRule(name: "r", requestsPerMinute: -1)], agentLimits: [AgentLimitRule(name: "empty")])
        do throws(ConfigurationError) {
            _ = try Self.rules(config)
            Issue.record("the rules must be rejected")
        } catch {
            let paths = Set(error.issues.map(\.path))
            #expect(
                paths.isSuperset(of: [
                    "governance.time_zone", "governance.budgets[0].period", "governance.budgets[0].limit_usd", "governance.budgets[1].name",
                    "governance.budgets[1].limit_usd", "governance.budgets[2].downgrade_to", "governance.rate_limits[0].requests_per_minute",
                    "governance.agent_limits[0]",
                ]))
        }
    }
}
