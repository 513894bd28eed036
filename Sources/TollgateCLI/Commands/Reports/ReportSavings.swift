import ArgumentParser
import Foundation
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report savings --by workflow --period 2026-11`.
    struct Savings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the levers saved per group: gross cost without levers, actual cost, saved, cache hit rate.",
            discussion: """
                Computed from each entry's own counterfactual: a cache hit costs 0 and saved what its answer's original call \
                costs at the hit's date, so gross = actual + saved, per entry, never a sum of headline rates. --by lever \
                puts the calls no lever acted on in their own group (`none`). See docs/levers.md.
                """)

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        @Option(help: "Group by: \(SavingsGrouping.allCases.map(\.rawValue).joined(separator: ", ")).")
        var by: String = "workflow"

        func validate() throws {
            guard SavingsGrouping(rawValue: by) != nil else {
                throw ValidationError("--by must be one of: \(SavingsGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let grouping = SavingsGrouping(rawValue: by)!
            let period = try self.period.resolve()
            let rows = try await location.open().savings(by: grouping, period: period)
            let total = SavingsRow.total(rows)
            let none = grouping == .lever ? "none" : GroupedSpend.unattributed
            if format.json {
                try ReportJSON.print([
                    "report": "savings", "by": grouping.rawValue, "period": ReportJSON.period(period),
                    "groups": rows.map { Self.json($0, key: grouping.rawValue) }, "total": Self.json(total, key: nil),
                ])
                return
            }
            if format.csv {
                print(CSV.line([grouping.rawValue] + Self.fields(total).map(\.0)))
                for row in rows { print(CSV.line([row.group ?? ""] + Self.fields(row).map(\.1))) }
                return
            }
            print("Savings by \(grouping.rawValue), \(period.label)")
            print(Self.table(rows + [total], none: none, dimension: grouping.rawValue).render())
            if total.unpricedSavings > 0 { print("\(total.unpricedSavings) lever calls have no price, so their saving is not counted.") }
        }

        /// The row's figures by name, as text (money as exact decimals, ratios to 6 decimals).
        static func fields(_ row: SavingsRow) -> [(String, String)] {
            [
                ("calls", "\(row.calls)"), ("lever_calls", "\(row.leverCalls)"), ("cache_hits", "\(row.cacheHits)"),
                ("gross_usd", Money.format(nanoUSD: row.grossNanoUSD)), ("actual_usd", Money.format(nanoUSD: row.actualNanoUSD)),
                ("saved_usd", Money.format(nanoUSD: row.savedNanoUSD)), ("saved_share", ReportText.fixed(row.savedShare) ?? ""),
                ("cache_hit_rate", ReportText.fixed(row.cacheHitRate) ?? ""), ("unpriced_calls", "\(row.unpricedCalls)"),
                ("unpriced_savings", "\(row.unpricedSavings)"),
            ]
        }

        static func json(_ row: SavingsRow, key: String?) -> [String: Any] {
            var out: [String: Any] = [
                "calls": row.calls, "lever_calls": row.leverCalls, "cache_hits": row.cacheHits, "gross_nano_usd": row.grossNanoUSD,
                "actual_nano_usd": row.actualNanoUSD, "saved_nano_usd": row.savedNanoUSD, "gross_usd": Money.format(nanoUSD: row.grossNanoUSD),
                "actual_usd": Money.format(nanoUSD: row.actualNanoUSD), "saved_usd": Money.format(nanoUSD: row.savedNanoUSD),
                "saved_share": ReportJSON.ratio(row.savedShare), "cache_hit_rate": ReportJSON.ratio(row.cacheHitRate),
                "unpriced_calls": row.unpricedCalls, "unpriced_savings": row.unpricedSavings,
            ]
            if let key { out[key] = ReportJSON.optional(row.group) }
            return out
        }

        /// The table; the last row is the total.
        static func table(_ rows: [SavingsRow], none: String, dimension: String) -> TextTable {
            var table = TextTable(columns: [
                (dimension, .left), ("calls", .right), ("hits", .right), ("hit%", .right), ("gross", .right), ("actual", .right),
                ("saved", .right), ("saved%", .right),
            ])
            for (i, row) in rows.enumerated() {
                let knowledge = CostKnowledge.of(calls: row.calls, unpricedCalls: row.unpricedCalls)
                table.rows.append([
                    i == rows.count - 1 ? "total" : row.group ?? none, Format.grouped(row.calls), Format.grouped(row.cacheHits),
                    Format.percent(row.cacheHitRate), ReportText.cost(row.grossNanoUSD, knowledge), ReportText.cost(row.actualNanoUSD, knowledge),
                    ReportText.dollars(row.savedNanoUSD), Format.percent(row.savedShare),
                ])
            }
            return table
        }
    }
}
