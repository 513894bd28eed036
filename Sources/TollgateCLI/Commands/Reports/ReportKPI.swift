import ArgumentParser
import TollgateCore
import TollgateServer
import TollgateStore

extension ReportCommand {
    /// `tollgate report kpi --period 2026-10`.
    struct KPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi", abstract: "FinOps KPIs with their targets (reports.targets of --config) and pass/fail.",
            discussion: "JSON and CSV give each KPI's numeric value as a decimal string with 9 decimals (fractions for rates, USD for money).")

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        func run() async throws {
            let period = try self.period.resolve()
            let configuration = try location.config.map { try loadRuntime($0).configuration }
            let targets = configuration?.reports.targets ?? .init()
            let results = try await location.open().kpis(period: period, targets: targets, governance: configuration?.governance)
            if format.json {
                try ReportJSON.print([
                    "report": "kpi", "period": ReportJSON.period(period), "previous_period": ReportJSON.period(period.previous),
                    "kpis": results.map {
                        [
                            "key": $0.key, "name": $0.name, "value": $0.value,
                            "numeric": ReportJSON.optional(ReportText.fixed($0.numeric, digits: 9)), "target": $0.target,
                            "status": $0.status.rawValue,
                        ]
                    },
                ])
                return
            }
            if format.csv {
                print(CSV.line(["key", "name", "value", "numeric", "target", "status"]))
                for r in results {
                    print(CSV.line([r.key, r.name, r.value, ReportText.fixed(r.numeric, digits: 9) ?? "", r.target, r.status.rawValue]))
                }
                return
            }
            var table = TextTable(columns: [("KPI", .left), ("value", .left), ("target", .left), ("status", .left)])
            for r in results { table.rows.append([r.name, r.value, r.target, r.status.rawValue]) }
            print("KPIs, \(period.label) (trends vs \(period.previous.label))")
            print(table.render())
        }
    }
}
