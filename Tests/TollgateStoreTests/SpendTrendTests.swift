import Foundation
import Testing
import TollgateCore

@testable import TollgateStore

/// `report spend` and showback count the same served calls, refusals apart, and split by day, ISO week and month.
@Suite struct SpendTrendTests {
    static func ledger(seed: UInt64, count: Int, days: Int64) async throws -> (LedgerDatabase, [LedgerEntry]) {
        let (database, _) = try temporaryLedger()
        var rng = SplitMix64(seed: seed)
        let entries = (0..<count).map { i -> LedgerEntry in
            var e = randomEntry(i, &rng, days: days)
            e.requestedModel = ["gpt-4o", "fast"].randomElement(using: &rng)!
            return e
        }
        try await database.write(entries: entries)
        return (database, entries)
    }

    @Test func spendAndShowbackAgreeOnServedAndRefusedCalls() async throws {
        let (database, entries) = try await Self.ledger(seed: 7, count: 400, days: 31)
        let period = try ReportPeriod.parse("2026-10")
        let spend = try await database.spend(by: .team, sinceMs: period.startMs, untilMs: period.endMs)
        let showback = try await database.spend(groupedBy: [.team], period: period)
        #expect(spend.count == showback.count)
        for row in spend {
            let raw = entries.filter { ($0.attribution.team ?? "") == (row.group ?? "") }
            #expect(row.calls == Int64(raw.filter { $0.status != .blocked }.count))
            #expect(row.refusedCalls == Int64(raw.filter { $0.status == .blocked }.count))
            let g = try #require(showback.first { $0.keys[0] == row.group })
            #expect(g.measures.calls == row.calls)
            #expect(g.measures.refusedCalls == row.refusedCalls)
            #expect(g.measures.costNanoUSD == row.costNanoUSD)
            #expect(g.measures.unpricedCalls == row.unpricedCalls)
        }
        #expect(spend.reduce(0) { $0 + $1.refusedCalls } > 0)
    }

    @Test func byModelGroupsByTheRequestedModelAndNamesTheServedOnes() async throws {
        let (database, entries) = try await Self.ledger(seed: 8, count: 200, days: 5)
        let rows = try await database.spend(by: .model, sinceMs: october, untilMs: october + 5 * 86_400_000)
        #expect(Set(rows.compactMap(\.group)) == Set(entries.map(\.requestedModel)))
        for row in rows {
            let served = Set(entries.filter { $0.requestedModel == row.group }.map(\.servedModel))
            #expect(row.servedModels == served.sorted())
        }
        let byServed = try await database.spend(by: .servedModel, sinceMs: october, untilMs: october + 5 * 86_400_000)
        #expect(Set(byServed.compactMap(\.group)) == Set(entries.map(\.servedModel)))
    }

    @Test(arguments: [TimeGrain.day, .week, .month])
    func timeGrainsSplitTheWindowAndAddUpToIt(grain: TimeGrain) async throws {
        let (database, entries) = try await Self.ledger(seed: 9, count: 500, days: 40)
        let since = october + 86_400_000
        let until = october + 38 * 86_400_000
        let rows = try await database.spend(by: SpendDimension(rawValue: grain.rawValue)!, sinceMs: since, untilMs: until)
        let inWindow = entries.filter { $0.timestampMs >= since && $0.timestampMs < until }
        #expect(rows.map(\.group) == grain.buckets(fromDay: since / 86_400_000, toDay: until / 86_400_000).map(\.label))
        for row in rows {
            let bucket = try #require(grain.buckets(fromDay: since / 86_400_000, toDay: until / 86_400_000).first { $0.label == row.group })
            let raw = inWindow.filter { bucket.startDay <= $0.timestampMs / 86_400_000 && $0.timestampMs / 86_400_000 < bucket.endDay }
            #expect(row.calls == Int64(raw.filter { $0.status != .blocked }.count), "\(row.group ?? "")")
            #expect(row.costNanoUSD == raw.reduce(0) { $0 + ($1.costNanoUSD ?? 0) })
            #expect(row.periodStart == bucket.startDate)
        }
        // Showback by the same grain reads the rollups and agrees period by period.
        let period = ReportPeriod(startMs: since, endMs: until, label: "window")
        let groups = try await database.spend(groupedBy: [.team], period: period, grain: grain)
        for row in rows {
            let inBucket = groups.filter { $0.keys[0] == row.group }
            #expect(inBucket.reduce(0) { $0 + $1.measures.costNanoUSD } == row.costNanoUSD)
            #expect(inBucket.reduce(0) { $0 + $1.measures.calls } == row.calls)
            #expect(inBucket.reduce(0) { $0 + $1.measures.refusedCalls } == row.refusedCalls)
        }
    }

    @Test func coverageNamesTheOldestAndNewestEntries() async throws {
        let (empty, _) = try temporaryLedger()
        #expect(try await empty.coverage() == nil)
        let (database, entries) = try await Self.ledger(seed: 10, count: 50, days: 9)
        let coverage = try #require(try await database.coverage())
        #expect(coverage.firstMs == entries.map(\.timestampMs).min())
        #expect(coverage.lastMs == entries.map(\.timestampMs).max())
    }
}
