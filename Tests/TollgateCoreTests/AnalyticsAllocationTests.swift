import Testing
import TollgateCore

/// Random spend per team: some teams, maybe a shared team, maybe an unattributed bucket.
func randomTeams(_ rng: inout SplitMix64) -> [GroupedSpend] {
    var out: [GroupedSpend] = []
    let teams = Int.random(in: 1...12, using: &rng)
    for t in 0..<teams {
        let cost = Int64.random(in: 0...(Bool.random(using: &rng) ? 1_000 : 5_000_000_000_000), using: &rng)
        out.append(
            GroupedSpend(
                keys: ["team-\(t)"],
                measures: SpendMeasures(
                    calls: Int64.random(in: 1...1_000, using: &rng), costNanoUSD: cost, unpricedCalls: Int64.random(in: 0...3, using: &rng))))
    }
    if Bool.random(using: &rng) {
        out.append(GroupedSpend(keys: [nil], measures: SpendMeasures(calls: 5, costNanoUSD: Int64.random(in: 0...9_999_999_999, using: &rng))))
    }
    if Bool.random(using: &rng) {
        out.append(
            GroupedSpend(keys: ["platform"], measures: SpendMeasures(calls: 9, costNanoUSD: Int64.random(in: 1...777_777_777_777, using: &rng))))
    }
    return out
}

@Suite struct AnalyticsAllocationTests {
    @Test func largestRemainderSumsExactlyAndStaysWithinOneNanoOfTheQuota() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let total = Int64.random(in: -1_000_000_000_000...1_000_000_000_000_000, using: &rng)
            let weights = (0..<Int.random(in: 1...20, using: &rng)).map { _ in
                Int128(Int64.random(in: 0...(Bool.random(using: &rng) ? 3 : Int64.max / 4), using: &rng))
            }
            guard let parts = Allocation.largestRemainder(total, weights: weights) else {
                #expect(weights.allSatisfy { $0 == 0 })
                continue
            }
            #expect(parts.reduce(Int128(0)) { $0 + Int128($1) } == Int128(total))
            let sum = weights.reduce(0, +)
            for (part, weight) in zip(parts, weights) {
                // |part × Σw − total × w| < Σw  (each part is within one nano of its exact quota)
                let exact = Int128(total) * weight
                let scaled = Int128(part) * sum
                #expect((scaled - exact).magnitude < sum.magnitude, "part \(part) of \(total) by \(weight)/\(sum)")
            }
        }
    }

    @Test func largestRemainderGivesLeftoversToTheLargestRemaindersThenTheFirst() {
        #expect(Allocation.largestRemainder(10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(Allocation.largestRemainder(100, weights: [1, 2]) == [33, 67])
        #expect(Allocation.largestRemainder(-10, weights: [1, 1, 1]) == [-4, -3, -3])
        #expect(Allocation.largestRemainder(5, weights: [0, 0]) == nil)
        #expect(Allocation.largestRemainder(5, weights: [-1, 2]) == nil)
    }

    @Test(arguments: AllocationRule.allCases)
    func everyRuleChargesTheWholeLedgerToTheNano(rule: AllocationRule) throws {
        var rng = SplitMix64(seed: 7 + UInt64(rule.rawValue.utf8.count))
        for _ in 0..<500 {
            let groups = randomTeams(&rng)
            let shares = Dictionary(uniqueKeysWithValues: (0..<4).map { ("team-\($0)", "\(Int.random(in: 0...60, using: &rng)).25") })
            let card = RateCard(
                tiers: ["standard": .init(markupPercent: "10"), "premium": .init(markupPercent: "2.5", overheadPercent: "0.333")],
                teams: ["team-1": "premium"], sharedTeams: ["platform"], allocation: rule, fixedShares: shares)
            let result = try Chargeback.compute(byTeam: groups, rateCard: card)
            let ledger = groups.reduce(Int128(0)) { $0 + Int128($1.measures.costNanoUSD) }
            #expect(Int128(result.ledgerNanoUSD) == ledger)
            #expect(result.listTotalNanoUSD == ledger, "rule \(rule): list costs must sum to the ledger")
            let allocated = result.lines.reduce(Int128(0)) { $0 + Int128($1.allocatedNanoUSD) }
            #expect(allocated + Int128(result.unallocatedNanoUSD) == Int128(result.poolNanoUSD))
            #expect(result.unpricedCalls == groups.reduce(0) { $0 + $1.measures.unpricedCalls })
            for line in result.lines {
                #expect(line.listNanoUSD == line.directNanoUSD + line.allocatedNanoUSD)
                #expect(line.chargedNanoUSD == line.listNanoUSD + line.surchargeNanoUSD)
                #expect(!line.team.isEmpty && line.team != "platform")
            }
        }
    }

    @Test func surchargesAreExactDecimalPercentagesRoundedHalfAwayFromZero() throws {
        let groups = [
            GroupedSpend(keys: ["a"], measures: SpendMeasures(calls: 1, costNanoUSD: 1_000_000_001)),
            GroupedSpend(keys: ["b"], measures: SpendMeasures(calls: 1, costNanoUSD: 3)),
        ]
        let card = RateCard(tiers: ["t": .init(markupPercent: "12.5", overheadPercent: "0.1")], defaultTier: "t")
        let result = try Chargeback.compute(byTeam: groups, rateCard: card)
        // 12.6 % of 1_000_000_001 = 126_000_000.126 → 126_000_000; of 3 = 0.378 → 0
        #expect(result.lines.map(\.surchargeNanoUSD) == [126_000_000, 0])
        let half = try Chargeback.compute(
            byTeam: [GroupedSpend(keys: ["a"], measures: SpendMeasures(calls: 1, costNanoUSD: 5))],
            rateCard: RateCard(tiers: ["t": .init(markupPercent: "10")], defaultTier: "t"))
        #expect(half.lines[0].surchargeNanoUSD == 1)  // 0.5 rounds up
    }

    @Test func unattributedAndSharedCostsAreAllocatedByEachRule() throws {
        let groups = [
            GroupedSpend(keys: ["a"], measures: SpendMeasures(calls: 1, costNanoUSD: 300)),
            GroupedSpend(keys: ["b"], measures: SpendMeasures(calls: 1, costNanoUSD: 100)),
            GroupedSpend(keys: [nil], measures: SpendMeasures(calls: 1, costNanoUSD: 7)),
            GroupedSpend(keys: ["platform"], measures: SpendMeasures(calls: 1, costNanoUSD: 3)),
        ]
        var card = RateCard(sharedTeams: ["platform"])
        #expect(try Chargeback.compute(byTeam: groups, rateCard: card).lines.map(\.allocatedNanoUSD) == [8, 2])  // 7.5 / 2.5
        card.allocation = .even
        #expect(try Chargeback.compute(byTeam: groups, rateCard: card).lines.map(\.allocatedNanoUSD) == [5, 5])
        card.allocation = .fixed
        card.fixedShares = ["a": "1", "b": "3"]
        #expect(try Chargeback.compute(byTeam: groups, rateCard: card).lines.map(\.allocatedNanoUSD) == [3, 7])  // 2.5 / 7.5
        let nobody = try Chargeback.compute(byTeam: [groups[2]], rateCard: RateCard())
        #expect(nobody.lines.isEmpty && nobody.unallocatedNanoUSD == 7 && nobody.listTotalNanoUSD == 7)
    }

    @Test func aStatementSumsToTheTeamsChargeAndRejectsLinesThatDoNot() throws {
        let groups = [
            GroupedSpend(keys: ["a"], measures: SpendMeasures(calls: 3, costNanoUSD: 300)),
            GroupedSpend(keys: [nil], measures: SpendMeasures(calls: 1, costNanoUSD: 11)),
        ]
        let result = try Chargeback.compute(byTeam: groups, rateCard: RateCard(tiers: ["s": .init(markupPercent: "10")], defaultTier: "s"))
        let period = try ReportPeriod.parse("2026-10")
        let statement = try ChargebackStatement.make(
            line: result.lines[0],
            byWorkflow: [
                GroupedSpend(keys: ["w1"], measures: SpendMeasures(calls: 2, costNanoUSD: 200)),
                GroupedSpend(keys: [nil], measures: SpendMeasures(calls: 1, costNanoUSD: 100)),
            ], period: period, rule: .proportional)
        #expect(statement.items.reduce(0) { $0 + $1.amountNanoUSD } == statement.chargedNanoUSD)
        #expect(statement.chargedNanoUSD == 311 + 31)
        #expect(throws: ReportError.self) {
            try ChargebackStatement.make(
                line: result.lines[0], byWorkflow: [GroupedSpend(keys: ["w1"], measures: SpendMeasures(calls: 2, costNanoUSD: 299))],
                period: period, rule: .proportional)
        }
    }

    @Test func rateCardsAreDecodedStrictlyAndValidated() throws {
        #expect(throws: ReportError.self) { try RateCard(tiers: ["a": .init()], defaultTier: "b").validate() }
        #expect(throws: ReportError.self) { try RateCard(teams: ["x": "gold"]).validate() }
        #expect(throws: ReportError.self) { try RateCard(allocation: .fixed).validate() }
        #expect(throws: ReportError.self) { try RateCard(tiers: ["standard": .init(markupPercent: "1.0000001")]).validate() }
    }
}
