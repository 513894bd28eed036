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
            let database = try location.open()
            let budgets = try configuration.flatMap { try Self.budgetVariance(governance: $0.governance, period: period, database: database) }
            let results = KPIReport.evaluate(
                current: try database.kpiInputs(period: period), previous: try database.kpiInputs(period: period.previous), targets: targets,
                budgets: budgets)
            if format.json {
                try ReportJSON.print([
                    "report": "kpi", "period": ReportJSON.period(period), "previous_period": ReportJSON.period(period.previous),
                    "kpis": results.map {
                        ["key": $0.key, "name": $0.name, "value": $0.value, "numeric": ReportJSON.optional(ReportText.fixed($0.numeric, digits: 9)), "target": $0.target, "status": $0.status.rawValue]
                    },
                ])
                return
            }
            if format.csv {
                print(CSV.line(["key", "name", "value", "numeric", "target", "status"]))
                for r in results { print(CSV.line([r.key, r.name, r.value, ReportText.fixed(r.numeric, digits: 9) ?? "", r.target, r.status.rawValue])) }
                return
            }
            var table = TextTable(columns: [("KPI", .left), ("value", .left), ("target", .left), ("status", .left)])
            for r in results { table.rows.append([r.name, r.value, r.target, r.status.rawValue]) }
            print("KPIs, \(period.label) (trends vs \(period.previous.label))")
            print(table.render())
        }

        /// Spend against the configured budgets whose period is the report's kind (month budgets for
        /// `--period 2026-10`, quarter budgets for `2026-Q4`, ...), read from the ledger over the report
        /// period (UTC); each counter of a per-value budget (`team: "*"`) counts as one budget.
        static func budgetVariance(governance: GovernanceConfiguration, period: ReportPeriod, database: LedgerDatabase) throws -> BudgetVariance? {
            let kind: String
            switch period.label.count {
            case 4: kind = "year"
            case 7 where period.label.contains("-Q"): kind = "quarter"
            case 7: kind = "month"
            case 10: kind = "day"
            default: return nil
            }
            var rules = governance.budgets.filter { $0.period == kind }
            if kind == "month" {
                for workflow in governance.workflows {
                    if let limit = workflow.budgetUSD {
                        rules.append(BudgetRule(name: "workflow:\(workflow.name)", scope: GovernanceScope([.workflow: .equals(workflow.name)]), limitUSD: limit))
                    }
                }
            }
            guard !rules.isEmpty else { return nil }
            var variance = BudgetVariance(spentNanoUSD: 0, limitNanoUSD: 0, budgets: 0, overspent: 0)
            for rule in rules {
                guard let limit = Money.parseUSD(rule.limitUSD) else { continue }
                var rows = try database.spend(scope: rule.scope, fromMs: period.startMs, toMs: period.endMs, bucketMs: nil)
                if rows.isEmpty && rule.scope.perValueDimensions.isEmpty && rule.scope.perValueTags.isEmpty {
                    rows = [SettledSpend(scopeKey: "", nanoUSD: 0)]
                }
                for row in rows {
                    variance.spentNanoUSD += row.nanoUSD
                    variance.limitNanoUSD += limit
                    variance.budgets += 1
                    if row.nanoUSD > limit { variance.overspent += 1 }
                }
            }
            return variance
        }
    }
}
