import ArgumentParser
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report showback --by team[,workflow] --period 2026-10`.
    struct Showback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spend grouped by one or two attribution dimensions (from the rollups).",
            discussion: "Unattributed spend is its own bucket; calls with no price are counted apart and never shown as $0.")

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        @Option(help: "One or two dimensions, comma-separated: \(ReportDimension.names).")
        var by: String = "team"

        func validate() throws {
            do { _ = try ReportDimension.parseList(by) } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            let dimensions = try ReportDimension.parseList(by)
            let period = try self.period.resolve()
            let groups = try location.open().spend(groupedBy: dimensions, period: period)
                .sorted {
                    ($0.measures.costNanoUSD, $0.measures.calls, $1.labels.joined(separator: "\u{1}"))
                        > ($1.measures.costNanoUSD, $1.measures.calls, $0.labels.joined(separator: "\u{1}"))
                }
            let total = try SpendMeasures.total(groups.map(\.measures))
            let names = dimensions.map(\.rawValue)
            if format.json {
                try ReportJSON.print([
                    "report": "showback", "by": names, "period": ReportJSON.period(period),
                    "groups": groups.map { g in
                        var item = ReportJSON.measures(g.measures)
                        for (i, name) in names.enumerated() { item[name] = ReportJSON.optional(g.keys[i]) }
                        return item
                    },
                    "total": ReportJSON.measures(total),
                ])
                return
            }
            if format.csv {
                print(CSV.line(names + ["calls", "input_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "unpriced_calls", "estimated_calls", "failed_calls"]))
                for g in groups {
                    let m = g.measures
                    print(CSV.line(g.keys.map { $0 ?? "" } + [
                        "\(m.calls)", "\(m.inputTokens)", "\(m.output)", "\(m.reasoning)", Money.format(nanoUSD: m.costNanoUSD),
                        "\(m.unpricedCalls)", "\(m.estimatedCalls)", "\(m.failedCalls)",
                    ]))
                }
                return
            }
            var table = TextTable(
                columns: names.map { ($0, .left) } + [("calls", .right), ("tokens", .right), ("cost", .right), ("share", .right), ("unpriced", .right)])
            func share(_ cost: Int64) -> String {
                total.costNanoUSD > 0 ? Format.percent(Double(cost) / Double(total.costNanoUSD)) : "-"
            }
            for g in groups {
                let m = g.measures
                table.rows.append(
                    g.labels + [Format.grouped(m.calls), Format.compact(m.totalTokens), Format.cost(m), share(m.costNanoUSD), Format.grouped(m.unpricedCalls)])
            }
            table.footer = ["total"] + Array(repeating: "", count: names.count - 1) + [
                Format.grouped(total.calls), Format.compact(total.totalTokens), Format.dollars(total.costNanoUSD),
                total.costNanoUSD > 0 ? "100.0%" : "-", Format.grouped(total.unpricedCalls),
            ]
            let (from, to) = period.dayRange
            print("Showback by \(names.joined(separator: ", ")), \(period.label) (\(from) to \(to), exclusive)")
            print(table.fitted().render())
            if total.unpricedCalls > 0 {
                print("\(Format.grouped(total.unpricedCalls)) calls have no price: their cost is unknown and not in any amount.")
            }
        }
    }
}
