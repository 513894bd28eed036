import ArgumentParser
import Foundation
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report unit --by workflow --period 2026-10`.
    struct Unit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unit economics per group: cost per call and per successful outcome, success rate, value per dollar, trends.",
            discussion: "Trends compare with the previous period of equal length. Every metric is defined in docs/metrics.md.")

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        @Option(help: "Group by: workflow, team, app, customer, model.")
        var by: String = "workflow"

        static let allowed: [ReportDimension] = [.workflow, .team, .app, .customer, .model]

        func validate() throws {
            guard let d = ReportDimension(rawValue: by), Self.allowed.contains(d) else {
                throw ValidationError("--by must be one of: \(Self.allowed.map(\.rawValue).joined(separator: ", "))")
            }
        }

        /// Metric columns for JSON and CSV: name and value.
        static func metrics(_ m: UnitMetrics) -> [(String, Any?)] {
            [
                ("calls", m.calls), ("tokens", m.tokens), ("cost_nano_usd", m.costNanoUSD), ("unpriced_calls", m.unpricedCalls),
                ("outcomes", m.outcomes), ("successful_outcomes", m.successes), ("value_nano_usd", m.valueNanoUSD),
                ("cost_per_call_nano_usd", m.costPerCallNanoUSD), ("success_rate", m.successRate),
                ("cost_per_outcome_nano_usd", m.costPerOutcomeNanoUSD), ("cost_per_successful_outcome_nano_usd", m.costPerSuccessNanoUSD),
                ("quality_adjusted_outcomes", m.qualityAdjustedOutcomes), ("tokens_per_decision", m.tokensPerDecision),
                ("decision_throughput_per_hour", m.decisionThroughputPerHour), ("value_per_dollar", m.valuePerDollar),
                ("input_share_of_spend", m.inputShare), ("value_adjusted_throughput_index", m.valueAdjustedThroughputIndex),
                ("human_review_rate", m.humanReviewRate), ("cost_complete", m.unpricedCalls == 0),
            ]
        }

        /// Money metrics of a group whose calls are all unpriced are unknown (null / `unknown`), never 0.
        static func isUnknownCost(_ name: String, _ m: UnitMetrics) -> Bool {
            name.hasPrefix("cost") && name.hasSuffix("nano_usd") && CostKnowledge.of(calls: m.calls, unpricedCalls: m.unpricedCalls) == .unknown
        }

        /// Integers and booleans as they are, ratios as 6-decimal strings, missing values as null.
        static func jsonValue(_ value: Any?, unknown: Bool) -> Any {
            if unknown { return NSNull() }
            if let d = value as? Double { return ReportJSON.ratio(d) }
            return ReportJSON.optional(value)
        }

        static func csvCell(_ value: Any?, unknown: Bool) -> String {
            if unknown { return "unknown" }
            switch value {
            case let i as Int64: return "\(i)"
            case let d as Double: return ReportText.fixed(d) ?? ""
            case let b as Bool: return b ? "true" : "false"
            default: return ""
            }
        }

        /// The table: cost, $/call, success rate, $/success with its trend, value per dollar.
        static func table(_ rows: [UnitRow], dimension: ReportDimension) -> TextTable {
            var table = TextTable(columns: [
                (dimension.rawValue, .left), ("calls", .right), ("cost", .right), ("$/call", .right), ("succ%", .right),
                ("$/success", .right), ("trend", .right), ("value/$", .right),
            ])
            table.optional = ["value/$", "succ%"]
            for row in rows {
                let m = row.current
                let knowledge = CostKnowledge.of(calls: m.calls, unpricedCalls: m.unpricedCalls)
                func perUnit(_ nano: Int64?) -> String { nano.map { ReportText.cost($0, knowledge) } ?? "-" }
                table.rows.append([
                    row.group ?? GroupedSpend.unattributed, Format.grouped(m.calls),
                    ReportText.cost(m.costNanoUSD, knowledge), perUnit(m.costPerCallNanoUSD), Format.percent(m.successRate),
                    perUnit(m.costPerSuccessNanoUSD),
                    Format.trend(UnitMetrics.trend(m.costPerSuccessNanoUSD.map(Double.init), row.previous.costPerSuccessNanoUSD.map(Double.init))),
                    m.valuePerDollar.map(KPIReport.formatNumber) ?? "-",
                ])
            }
            return table
        }

        static func number(_ value: Any?) -> Double? {
            switch value {
            case let v as Int64: Double(v)
            case let v as Double: v
            default: nil
            }
        }

        func run() async throws {
            let dimension = ReportDimension(rawValue: by)!
            let period = try self.period.resolve()
            let database = try location.open()
            let rows = try await database.unitEconomics(by: dimension, period: period)
            let unmatched = try await database.unmatchedOutcomeCount(startMs: period.startMs, endMs: period.endMs)
            if format.json {
                try ReportJSON.print([
                    "report": "unit", "by": dimension.rawValue, "period": ReportJSON.period(period),
                    "previous_period": ReportJSON.period(period.previous), "unmatched_outcomes": unmatched, "model_is": "served",
                    "groups": rows.map { row -> [String: Any] in
                        let now = Self.metrics(row.current)
                        let before = Self.metrics(row.previous)
                        var current: [String: Any] = [:]
                        var previous: [String: Any] = [:]
                        var trend: [String: Any] = [:]
                        for (i, (name, value)) in now.enumerated() {
                            current[name] = Self.jsonValue(value, unknown: Self.isUnknownCost(name, row.current))
                            previous[name] = Self.jsonValue(before[i].1, unknown: Self.isUnknownCost(name, row.previous))
                            if !(value is Bool) { trend[name] = ReportJSON.ratio(UnitMetrics.trend(Self.number(value), Self.number(before[i].1))) }
                        }
                        return [dimension.rawValue: ReportJSON.optional(row.group), "current": current, "previous": previous, "trend": trend]
                    },
                ])
                return
            }
            if format.csv {
                let names = Self.metrics(UnitMetrics.compute(spend: .init(), outcomes: .init(), hours: 1)).map(\.0)
                print(CSV.line([dimension.rawValue] + names + names.map { "previous_" + $0 } + names.map { "trend_" + $0 }))
                for row in rows {
                    let now = Self.metrics(row.current)
                    let before = Self.metrics(row.previous)
                    let trends = zip(now, before).map { ReportText.fixed(UnitMetrics.trend(Self.number($0.1), Self.number($1.1))) ?? "" }
                    print(
                        CSV.line(
                            [row.group ?? ""] + now.map { Self.csvCell($0.1, unknown: Self.isUnknownCost($0.0, row.current)) }
                                + before.map { Self.csvCell($0.1, unknown: Self.isUnknownCost($0.0, row.previous)) } + trends))
                }
                return
            }
            print("Unit economics by \(dimension.rawValue), \(period.label); trend of $/success vs \(period.previous.label)")
            if dimension == .model { print("model is the served (upstream) model.") }
            print(Self.table(rows, dimension: dimension).render())
            if unmatched > 0 {
                print(
                    "\(unmatched) outcomes in this period match no call yet (see `tollgate outcomes unmatched`); they count under their workflow only."
                )
            }
            print("All metrics, previous values and trends: --json or --csv.")
        }
    }
}
