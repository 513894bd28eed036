import Testing
import TollgateCore
import TollgateTestKit

@testable import TollgateStore

/// `report savings` from the store against the same figures computed entry by entry.
@Suite struct SavingsReportTests {
    /// Random entries, a third of them cache hits that saved a random amount (some unpriced).
    static func entries() -> [LedgerEntry] {
        var rng = SplitMix64(seed: 15)
        return (0..<900).map { i in
            var entry = randomEntry(i, &rng, days: 40)
            guard entry.status != .blocked, Int.random(in: 0..<3, using: &rng) == 0 else { return entry }
            entry.status = .cached
            entry.costNanoUSD = 0
            entry.usage = .zero
            entry.lever = "cache"
            entry.sourceID = "tg_r0"
            entry.savedNanoUSD = Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int64.random(in: 1...30_000_000, using: &rng)
            return entry
        }
    }

    /// The reference: one pass over the entries of the period, grouped by `key`.
    static func expected(_ entries: [LedgerEntry], period: ReportPeriod, key: (LedgerEntry) -> String?) -> [String?: SavingsRow] {
        var rows: [String?: SavingsRow] = [:]
        for e in entries where e.timestampMs >= period.startMs && e.timestampMs < period.endMs && e.status != .blocked {
            let group = key(e).flatMap { $0.isEmpty ? nil : $0 }
            var row = rows[group] ?? SavingsRow(group: group, calls: 0, leverCalls: 0, cacheHits: 0, actualNanoUSD: 0, savedNanoUSD: 0)
            row.calls += 1
            if e.lever != nil { row.leverCalls += 1 }
            if e.status == .cached { row.cacheHits += 1 }
            row.actualNanoUSD += e.costNanoUSD ?? 0
            row.savedNanoUSD += e.savedNanoUSD ?? 0
            if e.costNanoUSD == nil { row.unpricedCalls += 1 }
            if e.lever != nil && e.savedNanoUSD == nil { row.unpricedSavings += 1 }
            rows[group] = row
        }
        return rows
    }

    @Test func everyGroupEqualsTheEntriesAddedOneByOne() async throws {
        let database = try LedgerDatabase.inMemory()
        let entries = Self.entries()
        _ = try await database.write(entries: entries)
        let period = try ReportPeriod.parse("2026-10")
        let keys: [(SavingsGrouping, (LedgerEntry) -> String?)] = [
            (.workflow, { $0.attribution.workflow }), (.team, { $0.attribution.team }), (.model, { $0.requestedModel }), (.lever, { $0.lever }),
        ]
        for (grouping, key) in keys {
            let rows = try await database.savings(by: grouping, period: period)
            let expected = Self.expected(entries, period: period, key: key)
            #expect(rows.count == expected.count, "\(grouping)")
            for row in rows { #expect(row == expected[row.group], "\(grouping) \(row.group ?? "-")") }
            #expect(rows.map(\.savedNanoUSD) == rows.map(\.savedNanoUSD).sorted(by: >), "largest saving first")
            let total = SavingsRow.total(rows)
            #expect(total.grossNanoUSD == total.actualNanoUSD + total.savedNanoUSD)
            #expect(
                total.savedNanoUSD
                    == entries.filter { $0.timestampMs >= period.startMs && $0.timestampMs < period.endMs && $0.status != .blocked }.reduce(0) {
                        $0 + ($1.savedNanoUSD ?? 0)
                    })
        }
    }
}
