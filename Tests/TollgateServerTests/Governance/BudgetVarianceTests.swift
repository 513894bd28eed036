import Foundation
import Testing
import TollgateCore
import TollgateServer
import TollgateStore

@testable import TollgateCLI

/// The KPI review's budget variance reads the configured budgets and the ledger's spend for the period.
@Suite struct BudgetVarianceTests {
    @Test func monthBudgetsAreComparedWithTheMonthsSpend() async throws {
        let ledgerPath = try GatewayHarness.freshLedgerPath()
        let database = try LedgerDatabase.open(path: ledgerPath)
        let october: Int64 = 1_790_812_800_000  // 2026-10-01T00:00:00Z
        func entry(_ i: Int, team: String, cost: Int64, at ms: Int64) -> LedgerEntry {
            LedgerEntry(
                id: "e\(i)", timestampMs: ms, route: "chat.completions", provider: "p", requestedModel: "m", servedModel: "m", stream: false,
                status: .ok, httpStatus: 200, usage: TokenUsage(inputUncached: 1, output: 1), pricing: .priced, costNanoUSD: cost,
                attribution: Attribution(keyID: "k", team: team, workflow: "w"))
        }
        try await database.write(entries: [
            entry(1, team: "support", cost: 600_000_000, at: october + 1_000), entry(2, team: "support", cost: 500_000_000, at: october + 86_400_000),
            entry(3, team: "legal", cost: 300_000_000, at: october + 2_000),
            entry(4, team: "support", cost: 900_000_000, at: october - 1),  // September: not in the period
        ])
        let config = URL(fileURLWithPath: ledgerPath).deletingLastPathComponent().appendingPathComponent("kpi.yaml").path
        try """
        providers: [{name: p, kind: openai, base_url: "http://127.0.0.1:9/v1"}]
        models: [{name: m, provider: p}]
        governance:
          budgets:
            - {name: teams, scope: {team: "*"}, period: month, limit_usd: "1"}
            - {name: daily, period: day, limit_usd: "5"}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let governance = try loadRuntime(config).configuration.governance
        let period = try ReportPeriod.parse("2026-10")
        let variance = try #require(try await database.budgetVariance(governance: governance, period: period))
        // Two month counters (support $1.10, legal $0.30) against $1 each; the day budget is not a month budget.
        #expect(variance == BudgetVariance(spentNanoUSD: 1_400_000_000, limitNanoUSD: 2_000_000_000, budgets: 2, overspent: 1))
        #expect(try await database.budgetVariance(governance: governance, period: try ReportPeriod.parse("2026-Q4")) == nil)
    }
}
