import Foundation
import GRDB
import Testing
import TollgateCore

@testable import TollgateStore

/// October 2026, 00:00 UTC.
let october: Int64 = 1_790_812_800_000

/// A random entry in the first `days` days of October: random attribution (with gaps), status, pricing and usage.
func randomEntry(_ i: Int, _ rng: inout SplitMix64, days: Int64 = 3) -> LedgerEntry {
    func maybe(_ values: [String]) -> String? {
        Int.random(in: 0..<5, using: &rng) == 0 ? nil : values.randomElement(using: &rng)!
    }
    let attribution = Attribution(
        keyID: "k", team: maybe(["support", "legal", "growth"]), app: maybe(["copilot", "bot"]), environment: maybe(["prod", "staging"]),
        costCenter: maybe(["CC-1", "CC-2"]), workflow: maybe(["refunds", "triage", "extract", "summarise"]),
        customer: maybe(["globex", "initech", "acme"]), traceID: Bool.random(using: &rng) ? "trace-\(i % 17)" : nil)
    let status = LedgerEntry.Status.allCases.randomElement(using: &rng)!
    let usage = TokenUsage(
        inputUncached: Int64.random(in: 0...5_000, using: &rng), cacheRead: Int64.random(in: 0...2_000, using: &rng),
        cacheWrite5m: Int64.random(in: 0...300, using: &rng), cacheWrite1h: Int64.random(in: 0...100, using: &rng),
        output: Int64.random(in: 0...900, using: &rng), reasoning: Int64.random(in: 0...400, using: &rng))
    let unpriced = Int.random(in: 0..<8, using: &rng) == 0
    let breakdown = CostBreakdown(
        input: Int64.random(in: 0...9_000_000, using: &rng), cacheRead: Int64.random(in: 0...900_000, using: &rng),
        cacheWrite: Int64.random(in: 0...500_000, using: &rng), output: Int64.random(in: 0...20_000_000, using: &rng),
        reasoning: Int64.random(in: 0...5_000_000, using: &rng))
    return LedgerEntry(
        id: "tg_r\(i)", timestampMs: october + Int64.random(in: 0..<(days * 86_400_000), using: &rng), route: "chat.completions",
        provider: ["openai", "anthropic"].randomElement(using: &rng)!, requestedModel: "m",
        servedModel: ["gpt-4o", "claude"].randomElement(using: &rng)!,
        stream: false, status: status, httpStatus: 200, usage: usage, usageSource: Bool.random(using: &rng) ? .reported : .estimated,
        pricing: unpriced ? .unpriced : .priced, costNanoUSD: unpriced ? nil : breakdown.total,
        costBreakdown: unpriced ? CostBreakdown() : breakdown, priceVersion: unpriced ? nil : "v", attribution: attribution)
}

/// The measures of `entries` computed directly, entry by entry (the reference the rollups must equal).
func directMeasures(_ entries: [LedgerEntry]) -> SpendMeasures {
    var m = SpendMeasures()
    for e in entries {
        let a = e.attribution
        let full = [a.team, a.app, a.workflow, a.environment, a.costCenter].allSatisfy { ($0 ?? "") != "" }
        let blocked = e.status == .blocked
        m.calls += blocked ? 0 : 1
        m.inputUncached += e.usage.inputUncached
        m.cacheRead += e.usage.cacheRead
        m.cacheWrite += e.usage.cacheWrite5m + e.usage.cacheWrite1h
        m.output += e.usage.output
        m.reasoning += e.usage.reasoning
        m.costNanoUSD += e.costNanoUSD ?? 0
        m.inputCostNanoUSD += e.costNanoUSD == nil ? 0 : e.costBreakdown.input + e.costBreakdown.cacheRead + e.costBreakdown.cacheWrite
        m.unpricedCalls += e.costNanoUSD == nil ? 1 : 0
        m.estimatedCalls += e.usageSource == .estimated ? 1 : 0
        m.failedCalls += e.status == .ok || e.status == .cached || blocked ? 0 : 1
        m.workflowTaggedCostNanoUSD += (a.workflow ?? "") != "" ? e.costNanoUSD ?? 0 : 0
        m.fullyAttributedCalls += full && !blocked ? 1 : 0
        m.refusedCalls += blocked ? 1 : 0
    }
    return m
}

func value(_ e: LedgerEntry, _ d: ReportDimension) -> String? {
    let a = e.attribution
    let v: String? =
        switch d {
        case .team: a.team
        case .app: a.app
        case .workflow: a.workflow
        case .customer: a.customer
        case .environment: a.environment
        case .costCenter: a.costCenter
        case .provider: e.provider
        case .model: e.servedModel
        case .status: e.status.rawValue
        case .pricing: e.pricing.rawValue
        }
    return v == "" ? nil : v
}

/// Every grouping the rollups serve, checked against the raw entries.
func expectRollupsMatch(_ database: LedgerDatabase, _ entries: [LedgerEntry], period: ReportPeriod) async throws {
    let inPeriod = entries.filter { $0.timestampMs >= period.startMs && $0.timestampMs < period.endMs }
    #expect(try await database.spendTotal(period: period) == directMeasures(inPeriod))
    let wholeDays = period.startMs % 86_400_000 == 0 && period.endMs % 86_400_000 == 0
    var groupings: [[ReportDimension]] = ReportDimension.allCases.filter { $0 != .customer }.map { [$0] }
    for a in ReportDimension.allCases where a != .customer {
        for b in ReportDimension.allCases where b != a && b != .customer { groupings.append([a, b]) }
    }
    if wholeDays {
        groupings += [[.customer], [.customer, .team], [.workflow, .customer]]
    } else {
        // Customers are rolled up per day only.
        await #expect(throws: ReportError.self) { try await database.spend(groupedBy: [.customer], period: period) }
    }
    await #expect(throws: ReportError.self) { try await database.spend(groupedBy: [.customer, .model], period: period) }
    let total = directMeasures(inPeriod)
    for dims in groupings {
        let groups = try await database.spend(groupedBy: dims, period: period)
        var expected: [[String?]: [LedgerEntry]] = [:]
        for e in inPeriod { expected[dims.map { value(e, $0) }, default: []].append(e) }
        #expect(groups.count == expected.count, "groups by \(dims)")
        for g in groups {
            #expect(g.measures == directMeasures(expected[g.keys] ?? []), "group \(g.keys) by \(dims)")
        }
        // No nano lost or invented: the groups add up to the ledger.
        #expect(try SpendMeasures.total(groups.map(\.measures)) == total, "total by \(dims)")
    }
}

@Suite struct AnalyticsStoreTests {
    @Test func rollupsEqualTheRawLedgerAfterJournalAndRecoveryWrites() async throws {
        let (journal, database, log) = try temporaryJournal(.init(capacity: 64, batchSize: 37))
        var rng = SplitMix64(seed: 2026)
        let recorded = (0..<600).map { randomEntry($0, &rng) }
        let crashed = (600..<640).map { randomEntry($0, &rng) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            for e in recorded + crashed {
                try await journal.admit(
                    Admission(
                        id: e.id, timestampMs: e.timestampMs, route: e.route, provider: e.provider, requestedModel: e.requestedModel,
                        upstreamModel: e.servedModel, priceModel: "gpt-4o", stream: false, estimatedInputTokens: 700, attribution: e.attribution))
            }
            for e in recorded { await journal.record(e) }
            try await journal.drain()
            group.cancelAll()
        }
        // The 40 admissions without an entry are what a crash leaves; recovery writes them (INSERT OR IGNORE).
        let pending = AdmissionLog.pending(in: log.directory)
        let pricer = LedgerPricer(
            catalog: PriceCatalog(
                prices: [ModelPrice(model: "gpt-4o", base: RateSet(input: USDRate(perMillion: "2.50"), output: USDRate(perMillion: "10")))],
                version: "t"))
        #expect(pending.count == 640)
        #expect(try await database.entryCount() == 600)
        #expect(try await database.recover(pending, pricer: pricer, nowMs: october + 4 * 86_400_000) == 40)
        #expect(try await database.recover(pending, pricer: pricer, nowMs: october) == 0)  // ignored rows roll nothing up
        let stored = try await database.entries(afterSequence: 0, limit: 10_000).entries
        #expect(stored.count == 640)
        #expect(stored.filter { $0.status == .interrupted }.count >= 40)
        try await expectRollupsMatch(database, stored, period: try ReportPeriod.parse("2026-10"))
        try await expectRollupsMatch(database, stored, period: try ReportPeriod.parse("2026-10-02"))
        // Not whole days: read from the hourly rollup.
        try await expectRollupsMatch(
            database, stored, period: ReportPeriod(startMs: october + 5 * 3_600_000, endMs: october + 53 * 3_600_000, label: "hours"))
    }

    @Test func theMigrationBackfillsRollupsFromAnExistingLedger() async throws {
        let queue = try DatabaseQueue()
        try LedgerDatabase.migrator.migrate(queue, upTo: "v2: governance")
        var rng = SplitMix64(seed: 99)
        let entries = (0..<400).map { randomEntry($0, &rng, days: 40) }
        // As v2 wrote them: entries only (in v2's columns), no rollups yet.
        let (source, path) = try temporaryLedger()
        try await source.write(entries: entries)
        // Without the columns later migrations added.
        let v2Columns = LedgerDatabase.columns.filter {
            !["priceModel", "parentId", "lever", "savedNano", "sourceId", "leversVersion", "leverRule", "savedEstimated"].contains($0)
        }
        .joined(separator: ", ")
        try queue.inDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [path])
            try db.execute(sql: "INSERT INTO ledgerEntry (\(v2Columns)) SELECT \(v2Columns) FROM source.ledgerEntry ORDER BY rowid")
            try db.execute(sql: "DETACH DATABASE source")
        }
        let database = try LedgerDatabase(queue)  // runs v3: creates and backfills the rollups
        try await expectRollupsMatch(database, entries, period: try ReportPeriod.parse("2026-10"))
        try await expectRollupsMatch(database, entries, period: try ReportPeriod.parse("2026-Q4"))
        // And the insert path keeps them current from then on.
        let more = (400..<500).map { randomEntry($0, &rng) }
        try await database.write(entries: more)
        try await expectRollupsMatch(database, entries + more, period: try ReportPeriod.parse("2026-Q4"))
    }

    @Test func randomLedgersGroupAndChargeBackToTheExactTotal() async throws {
        for seed in UInt64(1)...UInt64(6) {
            let (database, _) = try temporaryLedger()
            var rng = SplitMix64(seed: seed)
            let entries = (0..<Int.random(in: 50...300, using: &rng)).map { randomEntry($0, &rng, days: 31) }
            try await database.write(entries: entries)
            let period = try ReportPeriod.parse("2026-10")
            let ledger = directMeasures(entries).costNanoUSD
            let byTeam = try await database.spend(groupedBy: [.team], period: period)
            for rule in AllocationRule.allCases {
                let card = RateCard(
                    tiers: ["s": .init(markupPercent: "7.5")], defaultTier: "s", sharedTeams: ["legal"], allocation: rule,
                    fixedShares: ["support": "2", "growth": "1"])
                let result = try Chargeback.compute(byTeam: byTeam, rateCard: card)
                #expect(result.listTotalNanoUSD == Int128(ledger), "seed \(seed) rule \(rule)")
                // Charged teams plus the pool's parts (shared team, unattributed) give the ledger's cost.
                #expect(result.directTotalNanoUSD == Int128(ledger), "seed \(seed) rule \(rule)")
                // Each team's statement sums to its charge; workflow lines to its direct cost.
                let byTeamWorkflow = try await database.spend(groupedBy: [.team, .workflow], period: period)
                for line in result.lines {
                    let lines = byTeamWorkflow.filter { $0.keys[0] == line.team }.map { GroupedSpend(keys: [$0.keys[1]], measures: $0.measures) }
                    let statement = try ChargebackStatement.make(line: line, byWorkflow: lines, period: period, rule: rule)
                    #expect(statement.items.reduce(Int64(0)) { $0 + $1.amountNanoUSD } == line.chargedNanoUSD)
                }
            }
        }
    }

    static func outcome(
        _ id: String, request: String? = nil, trace: String? = nil, workflow: String = "refunds", status: Outcome.Status = .success,
        value: Int64? = nil, at: Int64 = october + 3_600_000, received: Int64 = october + 3_600_000
    ) -> Outcome {
        Outcome(
            id: id, requestID: request, traceID: trace, workflow: workflow, name: "ticket_resolved", status: status, valueNanoUSD: value,
            quality: 0.9, humanReviewed: false, occurredAtMs: at, receivedAtMs: received)
    }

    @Test func outcomesAreIdempotentAndAChangedPayloadRejectsTheWholeBatch() async throws {
        let (database, _) = try temporaryLedger()
        let first = Self.outcome("o1", request: "tg_1", value: 5_000_000_000)
        #expect(try await database.record(outcomes: [first]) == OutcomeRecordResult(accepted: 1, duplicates: 0))
        // The same payload again (a client retry, later): recorded once, first receipt kept.
        var retry = first
        retry.receivedAtMs += 60_000
        #expect(try await database.record(outcomes: [retry, Self.outcome("o2", request: "tg_2")]) == OutcomeRecordResult(accepted: 1, duplicates: 1))
        #expect(try await database.outcome(id: "o1")?.receivedAtMs == first.receivedAtMs)
        // A retry without occurred_at (defaulted to its own receipt) is the same outcome too.
        var undated = first
        undated.receivedAtMs += 3_600_000
        undated.occurredAtMs = undated.receivedAtMs
        #expect(try await database.record(outcomes: [undated]) == OutcomeRecordResult(accepted: 0, duplicates: 1))
        // A changed payload under a known id: a conflict, and nothing of the batch is applied.
        var changed = first
        changed.status = .failure
        await #expect(throws: OutcomeConflict(id: "o1", fields: ["status"])) {
            try await database.record(outcomes: [Self.outcome("o3", request: "tg_3"), changed])
        }
        #expect(try await database.outcome(id: "o3") == nil)
        #expect(try await database.outcomeCount() == 2)
        #expect(try await database.outcome(id: "o1") == first)
    }

    @Test func lateOutcomesCountInThePeriodTheyOccurredInAndTracesCoverEveryCall() async throws {
        let (database, _) = try temporaryLedger()
        var calls: [LedgerEntry] = []
        for i in 0..<5 {
            var rng = SplitMix64(seed: UInt64(i))
            var e = randomEntry(i, &rng)
            e.attribution.traceID = i < 3 ? "trace-A" : nil
            e.attribution.workflow = "refunds"
            e.attribution.team = i == 4 ? "legal" : "support"
            e.costNanoUSD = 1_000_000 * Int64(i + 1)
            e.pricing = .priced
            calls.append(e)
        }
        try await database.write(entries: calls)
        // Arrives five days late; occurred on 1 October.
        try await database.record(outcomes: [
            Self.outcome("trace-outcome", trace: "trace-A", at: october + 7_200_000, received: october + 5 * 86_400_000),
            Self.outcome("call-outcome", request: calls[4].id, status: .failure),
        ])
        let coverage = try await database.coverage(ofOutcome: "trace-outcome")
        #expect(coverage.calls == 3 && coverage.costNanoUSD == 6_000_000)  // 1 + 2 + 3 M nano
        #expect(try await database.coverage(ofOutcome: "call-outcome") == (1, 5_000_000))

        let october1 = try ReportPeriod.parse("2026-10-01")
        let byWorkflow = try await database.outcomeTotals(by: .workflow, startMs: october1.startMs, endMs: october1.endMs)
        #expect(byWorkflow["refunds"]?.successes == 1 && byWorkflow["refunds"]?.failures == 1 && byWorkflow["refunds"]?.outcomes == 2)
        #expect(abs((byWorkflow["refunds"]?.qualityAdjusted ?? 0) - 0.9) < 1e-9)  // the failure adds nothing
        #expect(byWorkflow["refunds"]?.humanReviewed == 0 && byWorkflow["refunds"]?.valueNanoUSD == 0)
        let byTeam = try await database.outcomeTotals(by: .team, startMs: october1.startMs, endMs: october1.endMs)
        #expect(byTeam["support"]?.successes == 1 && byTeam["legal"]?.failures == 1)
        // Reported on 5 October, it does not count there.
        let october5 = try ReportPeriod.parse("2026-10-05")
        #expect(try await database.outcomeTotals(by: nil, startMs: october5.startMs, endMs: october5.endMs).isEmpty)
    }

    @Test func outcomesForUnknownRequestsAreKeptReportedAndMatchedOnceTheCallArrives() async throws {
        let (database, _) = try temporaryLedger()
        try await database.record(outcomes: [
            Self.outcome("lost", request: "tg_unknown"),
            Self.outcome("lost-trace", trace: "trace-unknown"),
            Self.outcome("early", request: "tg_later", workflow: "triage"),
        ])
        #expect(try await database.unmatchedOutcomes().map(\.id).sorted() == ["early", "lost", "lost-trace"])
        let day = try ReportPeriod.parse("2026-10-01")
        #expect(try await database.unmatchedOutcomeCount(startMs: day.startMs, endMs: day.endMs) == 3)
        let unit = try await database.unitEconomics(by: .team, period: day)
        #expect(unit.first { $0.group == nil }?.current.outcomes == 3)  // counted, under unattributed
        var rng = SplitMix64(seed: 5)
        var call = randomEntry(0, &rng)
        call.id = "tg_later"
        call.attribution.team = "support"
        try await database.write(entries: [call])
        #expect(try await database.unmatchedOutcomes().map(\.id).sorted() == ["lost", "lost-trace"])
        #expect(try await database.outcomeCount() == 3)
    }

    @Test func unitEconomicsJoinRollupSpendWithOutcomesAndTrendAgainstThePreviousPeriod() async throws {
        let (database, _) = try temporaryLedger()
        var rng = SplitMix64(seed: 11)
        var entries: [LedgerEntry] = []
        for i in 0..<40 {
            var e = randomEntry(i, &rng, days: 1)
            e.attribution.workflow = "refunds"
            if i >= 20 { e.timestampMs -= 86_400_000 }  // 30 September: the previous day
            entries.append(e)
        }
        try await database.write(entries: entries)
        try await database.record(outcomes: [
            Self.outcome("a", request: entries[0].id), Self.outcome("b", request: entries[1].id, value: 2_000_000_000),
            Self.outcome("c", request: entries[2].id, status: .failure),
            Self.outcome("p", request: entries[30].id, at: october - 3_600_000),
        ])
        let day = try ReportPeriod.parse("2026-10-01")
        let row = try #require(try await database.unitEconomics(by: .workflow, period: day).first { $0.group == "refunds" })
        let cost = directMeasures(Array(entries[0..<20])).costNanoUSD
        let previousCost = directMeasures(Array(entries[20..<40])).costNanoUSD
        #expect(row.current.costNanoUSD == cost && row.current.successes == 2 && row.current.outcomes == 3)
        #expect(row.current.costPerSuccessNanoUSD == (cost + 1) / 2)
        #expect(row.previous.costNanoUSD == previousCost && row.previous.successes == 1)
        #expect(row.current.valueNanoUSD == 2_000_000_000)
        #expect(row.current.decisionThroughputPerHour == 2.0 / 24)
    }
}
