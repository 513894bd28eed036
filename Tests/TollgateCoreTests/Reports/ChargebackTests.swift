import Testing
import TollgateCore

/// Chargeback lines reconcile to the ledger, and the worked example of docs/reports.md holds as written.
@Suite struct ChargebackTests {
    static let usd: Int64 = 1_000_000_000

    /// docs/reports.md, "Chargeback": support $600 (refunds $450, triage $150), legal $300, growth $100, platform $50
    /// (shared) and $50 unattributed.
    static let october: [GroupedSpend] = [
        GroupedSpend(keys: ["support"], measures: SpendMeasures(calls: 11_124, costNanoUSD: 600 * usd)),
        GroupedSpend(keys: ["legal"], measures: SpendMeasures(calls: 40, costNanoUSD: 300 * usd)),
        GroupedSpend(keys: ["growth"], measures: SpendMeasures(calls: 30, costNanoUSD: 100 * usd, refusedCalls: 4)),
        GroupedSpend(keys: ["platform"], measures: SpendMeasures(calls: 20, costNanoUSD: 50 * usd)),
        GroupedSpend(keys: [nil], measures: SpendMeasures(calls: 10, costNanoUSD: 50 * usd, unpricedCalls: 2)),
    ]

    /// The rate card of docs/reports.md.
    static let card = RateCard(
        tiers: ["standard": .init(markupPercent: "10"), "premium": .init(markupPercent: "5", overheadPercent: "2.5")], defaultTier: "standard",
        teams: ["support": "premium"], sharedTeams: ["platform"], allocation: .proportional,
        fixedShares: ["support": "60", "legal": "30", "growth": "10"])

    static func allocated(_ c: Chargeback) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: c.lines.map { ($0.team, $0.allocatedNanoUSD) })
    }

    @Test func theDocumentedAllocationsHoldForEveryRule() throws {
        for rule in [AllocationRule.proportional, .fixed] {
            let c = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card, rule: rule)
            #expect(Self.allocated(c) == ["support": 60 * Self.usd, "legal": 30 * Self.usd, "growth": 10 * Self.usd], "\(rule)")
        }
        let even = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card, rule: .even)
        #expect(Self.allocated(even) == ["support": 33_333_333_333, "legal": 33_333_333_333, "growth": 33_333_333_334])
        let support = try #require(try Chargeback.compute(byTeam: Self.october, rateCard: Self.card).lines.first { $0.team == "support" })
        #expect(support.listNanoUSD == 660 * Self.usd)
        #expect(support.surchargeNanoUSD == 49_500_000_000)
        #expect(support.chargedNanoUSD == 709_500_000_000)
    }

    @Test func theStatementMatchesTheDocumentedLines() throws {
        let c = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card)
        let line = try #require(c.lines.first { $0.team == "support" })
        let byWorkflow = [
            GroupedSpend(keys: ["refunds"], measures: SpendMeasures(calls: 9_120, costNanoUSD: 450 * Self.usd)),
            GroupedSpend(keys: ["triage"], measures: SpendMeasures(calls: 2_004, costNanoUSD: 150 * Self.usd)),
        ]
        let s = try ChargebackStatement.make(line: line, byWorkflow: byWorkflow, period: try ReportPeriod.parse("2026-10"), rule: c.rule)
        #expect(
            s.items.map(\.description) == [
                "workflow refunds", "workflow triage", "shared and unattributed allocation (proportional)", "rate card surcharge (tier premium)",
            ])
        #expect(s.items.map { Money.format(nanoUSD: $0.amountNanoUSD) } == ["450", "150", "60", "49.5"])
        #expect(s.items.map(\.calls) == [9_120, 2_004, 0, 0])
        #expect(Money.format(nanoUSD: s.chargedNanoUSD) == "709.5")
    }

    @Test func poolLinesMakeTheDirectColumnSumToTheLedger() throws {
        for rule in AllocationRule.allCases {
            let c = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card, rule: rule)
            #expect(c.pool.map(\.team) == ["platform", nil])
            #expect(c.pool.map(\.kind) == ["shared", "unattributed"])
            #expect(c.pool.map(\.redistributedNanoUSD) == [50 * Self.usd, 50 * Self.usd])
            #expect(c.directTotalNanoUSD == Int128(c.ledgerNanoUSD))
            #expect(c.ledgerNanoUSD == 1_100 * Self.usd)
            // What the pool gave away is what the teams received.
            #expect(c.lines.reduce(0) { $0 + $1.allocatedNanoUSD } == c.pool.reduce(0) { $0 + $1.redistributedNanoUSD })
            #expect(c.listTotalNanoUSD == Int128(c.ledgerNanoUSD))
        }
        let c = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card)
        #expect(c.lines.first { $0.team == "growth" }?.refusedCalls == 4)
        #expect(c.pool.last?.unpricedCalls == 2)
        #expect(c.absentSharedTeams.isEmpty)
    }

    @Test func aSharedTeamWithNoCallsIsReported() throws {
        var card = Self.card
        card.sharedTeams = ["platform", "platfrom"]
        #expect(try Chargeback.compute(byTeam: Self.october, rateCard: card).absentSharedTeams == ["platfrom"])
    }

    @Test func aSharedTeamsStatementShowsWhatWasRedistributed() throws {
        let c = try Chargeback.compute(byTeam: Self.october, rateCard: Self.card)
        let platform = try #require(c.pool.first)
        let byWorkflow = [GroupedSpend(keys: ["gateway"], measures: SpendMeasures(calls: 20, costNanoUSD: 50 * Self.usd))]
        let s = try ChargebackStatement.make(pool: platform, byWorkflow: byWorkflow, period: try ReportPeriod.parse("2026-10"), rule: c.rule)
        #expect(s.team == "platform")
        #expect(s.items.map(\.amountNanoUSD) == [50 * Self.usd, -50 * Self.usd])
        #expect(s.chargedNanoUSD == 0)
        #expect(s.items.reduce(0) { $0 + $1.amountNanoUSD } == s.chargedNanoUSD)
    }

    @Test func withNobodyToChargeThePoolStaysUnallocatedAndStillReconciles() throws {
        let onlyPool = [Self.october[3], Self.october[4]]
        let c = try Chargeback.compute(byTeam: onlyPool, rateCard: Self.card, rule: .proportional)
        #expect(c.lines.isEmpty)
        #expect(c.unallocatedNanoUSD == 100 * Self.usd)
        #expect(c.pool.map(\.redistributedNanoUSD) == [0, 0])
        #expect(c.directTotalNanoUSD == Int128(c.ledgerNanoUSD))
    }
}
