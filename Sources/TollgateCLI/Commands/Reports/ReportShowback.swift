import ArgumentParser
import Foundation
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report showback --by team,workflow --period 2026-10 [--grain day|week|month]`.
    struct Showback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spend by one or two dimensions over a period, from the rollups, optionally per day, week or month.",
            discussion: """
                Calls are served calls; refused calls (governance refusals) are counted apart, as in `report spend`. \
                `model` here is the served (upstream) model. --grain week uses ISO weeks (Monday to Sunday, UTC). A cost \
                is `unknown` when no call of the group is priced and a lower bound (`≥ $1.23`, cost_complete false) when some are not.
                """)

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        @Option(help: "One or two dimensions, comma-separated: \(ReportDimension.names).")
        var by: String = "team"

        @Option(help: "Also split by time: day, week (ISO, Monday to Sunday) or month, UTC.")
        var grain: String?

        func validate() throws {
            do { _ = try ReportDimension.parseList(by) } catch { throw ValidationError(error.message) }
            if let grain, TimeGrain(rawValue: grain) == nil { throw ValidationError("--grain must be one of: day, week, month") }
        }

        func run() async throws {
            let dimensions = try ReportDimension.parseList(by)
            let grain = self.grain.flatMap(TimeGrain.init(rawValue:))
            let period = try self.period.resolve()
            let database = try location.open()
            let groups: [GroupedSpend]
            do {
                groups = try await database.spend(groupedBy: dimensions, period: period, grain: grain)
            } catch let error as ReportError {
                throw CommandFailure(error.message)
            }
            let ordered = groups.sortedByCost(periodFirst: grain != nil)
            let total = try SpendMeasures.total(groups.map(\.measures))
            let names = (grain.map { [$0.rawValue] } ?? []) + dimensions.map(\.rawValue)
            if format.json { return try ReportJSON.print(Self.json(ordered, total: total, names: names, period: period)) }
            if format.csv { return print(Self.csv(ordered, total: total, names: names)) }
            if total.calls == 0 && total.refusedCalls == 0 {
                let coverage = try await database.coverage()
                print(LedgerCoverage.emptyWindow(startMs: period.startMs, endMs: period.endMs, firstMs: coverage?.firstMs, lastMs: coverage?.lastMs))
                return
            }
            let (from, to) = period.dayRange
            print("Showback by \(names.joined(separator: ", ")), \(period.label) (\(from) to \(to), exclusive; UTC)")
            print(Self.table(ordered, total: total, names: names).render())
            if total.unpricedCalls > 0 {
                print("\(Format.grouped(total.unpricedCalls)) calls have no price: `unknown` means no call of the row is priced, `≥` a lower bound.")
            }
            if dimensions.contains(.model) { print("model is the served (upstream) model; `report spend --by model` groups by the model asked for.") }
        }

        static func json(_ groups: [GroupedSpend], total: SpendMeasures, names: [String], period: ReportPeriod) -> [String: Any] {
            [
                "report": "showback", "by": names, "period": ReportJSON.period(period), "model_is": "served",
                "groups": groups.map { g in
                    var item = ReportJSON.measures(g.measures)
                    for (i, name) in names.enumerated() { item[name] = ReportJSON.optional(g.keys[i]) }
                    item["share"] = ReportJSON.ratio(share(g.measures, of: total))
                    return item
                },
                "total": ReportJSON.measures(total),
            ]
        }

        static func csv(_ groups: [GroupedSpend], total: SpendMeasures, names: [String]) -> String {
            var out = [
                CSV.line(
                    names + [
                        "calls", "refused_calls", "input_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "cost_complete", "unpriced_calls",
                        "estimated_calls", "failed_calls",
                    ])
            ]
            func line(_ keys: [String], _ m: SpendMeasures) -> String {
                let knowledge = CostKnowledge.of(m)
                return CSV.line(
                    keys + [
                        "\(m.calls)", "\(m.refusedCalls)", "\(m.inputTokens)", "\(m.output)", "\(m.reasoning)",
                        ReportText.csvCost(m.costNanoUSD, knowledge),
                        knowledge.isComplete ? "true" : "false", "\(m.unpricedCalls)", "\(m.estimatedCalls)", "\(m.failedCalls)",
                    ])
            }
            for g in groups { out.append(line(g.keys.map { $0 ?? "" }, g.measures)) }
            out.append(line(["total"] + Array(repeating: "", count: names.count - 1), total))
            return out.joined(separator: "\n")
        }

        static func table(_ groups: [GroupedSpend], total: SpendMeasures, names: [String]) -> TextTable {
            var table = TextTable(
                columns: names.map { ($0, .left) } + [
                    ("calls", .right), ("refused", .right), ("tokens", .right), ("cost", .right), ("share", .right), ("unpriced", .right),
                ])
            table.optional = ["tokens", "refused"]
            func cells(_ m: SpendMeasures) -> [String] {
                [
                    Format.grouped(m.calls), Format.grouped(m.refusedCalls), Format.compact(m.totalTokens), Format.cost(m),
                    Format.percent(share(m, of: total)), Format.grouped(m.unpricedCalls),
                ]
            }
            for g in groups { table.rows.append(g.labels + cells(g.measures)) }
            table.footer = ["total"] + Array(repeating: "", count: names.count - 1) + cells(total)
            return table
        }

        /// A group's share of the known total, nil when its cost is unknown or the total is zero.
        static func share(_ m: SpendMeasures, of total: SpendMeasures) -> Double? {
            guard CostKnowledge.of(m) != .unknown, total.costNanoUSD > 0 else { return nil }
            return Double(m.costNanoUSD) / Double(total.costNanoUSD)
        }
    }
}

extension [GroupedSpend] {
    /// Largest cost first, then most calls, then by name; with `periodFirst`, in period order (`keys[0]`) first.
    func sortedByCost(periodFirst: Bool = false) -> [GroupedSpend] {
        sorted { a, b in
            if periodFirst, a.labels[0] != b.labels[0] { return a.labels[0] < b.labels[0] }
            return (a.measures.costNanoUSD, a.measures.calls, b.labels.joined(separator: "\u{1}"))
                > (b.measures.costNanoUSD, b.measures.calls, a.labels.joined(separator: "\u{1}"))
        }
    }
}
