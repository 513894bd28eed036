import ArgumentParser
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report kpi --period 2026-10`.
    struct KPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi", abstract: "FinOps KPIs with their targets (reports.targets of --config) and pass/fail.")

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        func run() async throws {
            let period = try self.period.resolve()
            let targets = try loadTargets(config: location.config)
            let database = try location.open()
            let results = KPIReport.evaluate(
                current: try database.kpiInputs(period: period), previous: try database.kpiInputs(period: period.previous), targets: targets)
            if format.json {
                try ReportJSON.print([
                    "report": "kpi", "period": ReportJSON.period(period), "previous_period": ReportJSON.period(period.previous),
                    "kpis": results.map {
                        ["key": $0.key, "name": $0.name, "value": $0.value, "numeric": ReportJSON.optional($0.numeric), "target": $0.target, "status": $0.status.rawValue]
                    },
                ])
                return
            }
            if format.csv {
                print(CSV.line(["key", "name", "value", "numeric", "target", "status"]))
                for r in results { print(CSV.line([r.key, r.name, r.value, r.numeric.map { "\($0)" } ?? "", r.target, r.status.rawValue])) }
                return
            }
            var table = TextTable(columns: [("KPI", .left), ("value", .left), ("target", .left), ("status", .left)])
            for r in results { table.rows.append([r.name, r.value, r.target, r.status.rawValue]) }
            print("KPIs, \(period.label) (trends vs \(period.previous.label))")
            print(table.fitted().render())
        }
    }
}
