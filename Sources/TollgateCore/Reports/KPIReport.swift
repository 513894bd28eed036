/// The FinOps KPIs of one period, each with its value, its target and whether it is met.
public struct KPIResult: Sendable, Hashable, Codable {
    /// Whether a KPI meets its target.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Target met.
        case pass
        /// Target missed.
        case fail
        /// No target configured: shown for information.
        case info
        /// Cannot be measured (no data, or the feature it measures is not set up).
        case notApplicable = "n/a"
    }

    /// Stable key (`cost_per_successful_outcome`).
    public var key: String
    /// Human name.
    public var name: String
    /// The value as shown.
    public var value: String
    /// The numeric value, when there is one (ratios as fractions, money in USD).
    public var numeric: Double?
    /// The target as shown.
    public var target: String
    /// Met or not.
    public var status: Status
}

/// Evaluates the KPIs.
public enum KPIReport {
    /// What the KPIs are computed from, for one period.
    public struct Inputs: Sendable, Hashable {
        /// Spend in the period.
        public var spend: SpendMeasures
        /// Outcomes in the period.
        public var outcomes: OutcomeTotals
        /// Period length in hours.
        public var hours: Double
        /// Calls served from the gateway's response cache (status `cached`), part of the spend's calls.
        public var cachedCalls: Int64

        /// Creates inputs.
        public init(spend: SpendMeasures, outcomes: OutcomeTotals, hours: Double, cachedCalls: Int64 = 0) {
            self.spend = spend
            self.outcomes = outcomes
            self.hours = hours
            self.cachedCalls = cachedCalls
        }
    }

    /// The KPIs for `current`, trends against `previous`.
    /// - Parameter budgets: Spend against the budgets whose period is the report's period; nil when there are none
    ///   (budget variance is then not applicable, never a pass).
    public static func evaluate(
        current: Inputs, previous: Inputs, targets: ReportsConfiguration.Targets, budgets: BudgetVariance? = nil
    ) -> [KPIResult] {
        let now = UnitMetrics.compute(spend: current.spend, outcomes: current.outcomes, hours: current.hours)
        let before = UnitMetrics.compute(spend: previous.spend, outcomes: previous.outcomes, hours: previous.hours)
        return spendKPIs(current: current, now: now, before: before, targets: targets, budgets: budgets)
            + usageKPIs(spend: current.spend, now: now, before: before, targets: targets) + [responseCacheKPI(current)]
            + outcomeKPIs(now: now, before: before, targets: targets) + ledgerKPIs(spend: current.spend, targets: targets)
    }

    static func percent(_ v: Double?) -> String { v.map { formatPercent($0) } ?? "-" }

    /// Cost per successful outcome, attribution coverage, input share and budget variance.
    static func spendKPIs(
        current: Inputs, now: UnitMetrics, before: UnitMetrics, targets: ReportsConfiguration.Targets, budgets: BudgetVariance?
    ) -> [KPIResult] {
        var out: [KPIResult] = []

        // Cost per successful outcome: flat or down; a lower bound (`≥`) when some calls are unpriced, unknown when all are.
        let knowledge = CostKnowledge.of(current.spend)
        if let cps = now.costPerSuccessNanoUSD, knowledge != .unknown {
            let change = UnitMetrics.trend(Double(cps), before.costPerSuccessNanoUSD.map(Double.init))
            let status: KPIResult.Status = change.map { $0 <= targets.costPerSuccessMaxIncrease + 1e-12 ? .pass : .fail } ?? .info
            out.append(
                KPIResult(
                    key: "cost_per_successful_outcome", name: "Cost per successful outcome",
                    value: ReportText.cost(cps, knowledge) + (change.map { " (\(signedPercent($0)))" } ?? " (no previous)"),
                    numeric: Double(cps) / 1e9,
                    target: targets.costPerSuccessMaxIncrease == 0 ? "flat or down" : "rise ≤ \(percent(targets.costPerSuccessMaxIncrease))",
                    status: status))
        } else {
            out.append(
                KPIResult(
                    key: "cost_per_successful_outcome", name: "Cost per successful outcome",
                    value: now.successes == 0 ? "no successful outcomes" : "unknown (no call is priced)", numeric: nil,
                    target: "flat or down", status: .notApplicable))
        }

        // Attribution coverage: share of known spend tagged with a workflow.
        let spend = current.spend
        let coverage = spend.costNanoUSD > 0 ? Double(spend.workflowTaggedCostNanoUSD) / Double(spend.costNanoUSD) : nil
        out.append(
            KPIResult(
                key: "attribution_coverage", name: "Attribution coverage (spend with a workflow)", value: percent(coverage), numeric: coverage,
                target: "> \(percent(targets.attributionCoverage))",
                status: coverage.map { $0 > targets.attributionCoverage ? .pass : .fail } ?? .notApplicable))

        // Input share of spend.
        out.append(
            KPIResult(
                key: "input_share", name: "Input share of spend", value: percent(now.inputShare), numeric: now.inputShare,
                target: targets.maxInputShare.map { "≤ \(percent($0))" } ?? "none",
                status: now.inputShare == nil ? .notApplicable : targets.maxInputShare.map { now.inputShare! <= $0 ? .pass : .fail } ?? .info))

        // Budget variance: (Σ spent − Σ limit) ÷ Σ limit over the period's budgets.
        if let budgets, budgets.limitNanoUSD > 0 {
            let variance = Double(budgets.spentNanoUSD - budgets.limitNanoUSD) / Double(budgets.limitNanoUSD)
            out.append(
                KPIResult(
                    key: "budget_variance", name: "Budget variance",
                    value: "\(signedPercent(variance)) (\(budgets.budgets) budget\(budgets.budgets == 1 ? "" : "s"), \(budgets.overspent) over)",
                    numeric: variance,
                    target: "within \(percent(targets.budgetVariance))",
                    status: abs(variance) <= targets.budgetVariance + 1e-12 && budgets.overspent == 0 ? .pass : .fail))
        } else {
            out.append(
                KPIResult(
                    key: "budget_variance", name: "Budget variance", value: "no budgets for this period", numeric: nil,
                    target: "within \(percent(targets.budgetVariance))", status: .notApplicable))
        }

        return out
    }

    /// Response cache hit rate: calls the gateway answered from its cache ÷ calls (informational).
    static func responseCacheKPI(_ inputs: Inputs) -> KPIResult {
        let calls = inputs.spend.calls
        let rate = calls > 0 && inputs.cachedCalls > 0 ? Double(inputs.cachedCalls) / Double(calls) : nil
        return KPIResult(
            key: "response_cache_hit_rate", name: "Response cache hit rate (calls served by the gateway's cache)",
            value: rate == nil ? "no cache hits" : "\(percent(rate)) (\(grouped(inputs.cachedCalls)) calls)", numeric: rate, target: "none",
            status: rate == nil ? .notApplicable : .info)
    }

    /// Cache hit rate, token efficiency and decision throughput.
    static func usageKPIs(spend: SpendMeasures, now: UnitMetrics, before: UnitMetrics, targets: ReportsConfiguration.Targets) -> [KPIResult] {
        var out: [KPIResult] = []
        // Cache hit rate: cache-read tokens ÷ input tokens.
        let hit = spend.inputTokens > 0 ? Double(spend.cacheRead) / Double(spend.inputTokens) : nil
        out.append(
            KPIResult(
                key: "cache_hit_rate", name: "Cache hit rate (input tokens read from cache)", value: percent(hit), numeric: hit,
                target: targets.minCacheHitRate.map { "≥ \(percent($0))" } ?? "none",
                status: hit == nil ? .notApplicable : targets.minCacheHitRate.map { hit! >= $0 ? .pass : .fail } ?? .info))

        // Token efficiency: tokens per successful outcome, flat or down.
        let tps = now.successes > 0 ? Double(now.tokens) / Double(now.successes) : nil
        let tpsBefore = before.successes > 0 ? Double(before.tokens) / Double(before.successes) : nil
        let tpsChange = UnitMetrics.trend(tps, tpsBefore)
        out.append(
            KPIResult(
                key: "token_efficiency", name: "Token efficiency (tokens per successful outcome)",
                value: tps.map { formatNumber($0) + (tpsChange.map { " (\(signedPercent($0)))" } ?? " (no previous)") } ?? "no successful outcomes",
                numeric: tps, target: "flat or down",
                status: tps == nil ? .notApplicable : tpsChange.map { $0 <= targets.tokenEfficiencyMaxIncrease + 1e-12 ? .pass : .fail } ?? .info))

        // Decision throughput: successful outcomes per hour, flat or up.
        let throughputChange = UnitMetrics.trend(now.decisionThroughputPerHour, before.decisionThroughputPerHour)
        out.append(
            KPIResult(
                key: "decision_throughput", name: "Decision throughput (successes per hour)",
                value: formatNumber(now.decisionThroughputPerHour) + (throughputChange.map { " (\(signedPercent($0)))" } ?? ""),
                numeric: now.decisionThroughputPerHour, target: "flat or up",
                status: now.outcomes == 0
                    ? .notApplicable : throughputChange.map { $0 >= -targets.throughputMaxDecrease - 1e-12 ? .pass : .fail } ?? .info))

        return out
    }

    /// Unpriced calls and audit completeness.
    static func ledgerKPIs(spend: SpendMeasures, targets: ReportsConfiguration.Targets) -> [KPIResult] {
        var out: [KPIResult] = []
        // Unpriced spend: calls whose cost is unknown.
        out.append(
            KPIResult(
                key: "unpriced_calls", name: "Unpriced calls (cost unknown)",
                value: "\(grouped(spend.unpricedCalls)) of \(grouped(spend.calls))", numeric: Double(spend.unpricedCalls),
                target: "≤ \(targets.maxUnpricedCalls)", status: spend.unpricedCalls <= targets.maxUnpricedCalls ? .pass : .fail))

        // Audit completeness: entries with full attribution.
        let audit = spend.calls > 0 ? Double(spend.fullyAttributedCalls) / Double(spend.calls) : nil
        out.append(
            KPIResult(
                key: "audit_completeness", name: "Audit completeness (fully attributed calls)", value: percent(audit), numeric: audit,
                target: "≥ \(percent(targets.auditCompleteness))",
                status: audit.map { $0 >= targets.auditCompleteness ? .pass : .fail } ?? .notApplicable))
        return out
    }

    /// Value per dollar (ROI), tokens per decision and the human-review rate: flat-or-better trends against the
    /// previous period (tokens per decision within `token_efficiency_max_increase`), the review rate for information.
    static func outcomeKPIs(now: UnitMetrics, before: UnitMetrics, targets: ReportsConfiguration.Targets) -> [KPIResult] {
        func trended(_ value: Double?, _ previous: Double?, _ text: (Double) -> String) -> String {
            guard let value else { return "no outcomes" }
            return text(value) + (UnitMetrics.trend(value, previous).map { " (\(signedPercent($0)))" } ?? " (no previous)")
        }
        let roi = now.outcomes > 0 ? now.valuePerDollar : nil
        let roiChange = UnitMetrics.trend(roi, before.valuePerDollar)
        let tpdChange = UnitMetrics.trend(now.tokensPerDecision, before.tokensPerDecision)
        return [
            KPIResult(
                key: "value_per_dollar", name: "Value per dollar (ROI: outcome value ÷ cost)",
                value: roi == nil ? "no outcomes or no cost" : trended(roi, before.valuePerDollar) { formatNumber($0) },
                numeric: roi, target: "flat or up",
                status: roi == nil ? .notApplicable : roiChange.map { $0 >= -1e-12 ? .pass : .fail } ?? .info),
            KPIResult(
                key: "tokens_per_decision", name: "Tokens per decision (tokens ÷ outcomes)",
                value: trended(now.tokensPerDecision, before.tokensPerDecision) { formatNumber($0) }, numeric: now.tokensPerDecision,
                target: targets.tokenEfficiencyMaxIncrease == 0 ? "flat or down" : "rise ≤ \(formatPercent(targets.tokenEfficiencyMaxIncrease))",
                status: now.tokensPerDecision == nil
                    ? .notApplicable : tpdChange.map { $0 <= targets.tokenEfficiencyMaxIncrease + 1e-12 ? .pass : .fail } ?? .info),
            KPIResult(
                key: "human_review_rate", name: "Human-review rate (outcomes reviewed)",
                value: now.humanReviewRate.map { formatPercent($0) } ?? "no outcomes", numeric: now.humanReviewRate, target: "none",
                status: now.humanReviewRate == nil ? .notApplicable : .info),
        ]
    }

    /// `1234567` → `1,234,567`.
    public static func grouped(_ value: Int64) -> String {
        ReportText.grouped(Int128(value))
    }

    /// `0.9512` → `95.1%`.
    public static func formatPercent(_ fraction: Double) -> String {
        let tenths = (fraction * 1_000).rounded()
        let whole = Int64(tenths) / 10
        let digit = abs(Int64(tenths) % 10)
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(digit)%"
    }

    /// `0.05` → `+5.0%`.
    public static func signedPercent(_ fraction: Double) -> String {
        (fraction >= 0 ? "+" : "") + formatPercent(fraction)
    }

    /// A number with at most 2 decimals.
    public static func formatNumber(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        let whole = Int64(hundredths / 100)
        let fraction = abs(Int64(hundredths) % 100)
        return (hundredths < 0 && whole == 0 ? "-" : "") + "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}

/// Spend against the budgets of a report period, for the budget-variance KPI.
public struct BudgetVariance: Sendable, Hashable, Codable {
    /// Settled spend under the budgets in the period, nano-USD.
    public var spentNanoUSD: Int64
    /// The budgets' limits, summed (one per budget counter), nano-USD.
    public var limitNanoUSD: Int64
    /// Budget counters counted.
    public var budgets: Int
    /// Counters whose spend went past their limit.
    public var overspent: Int

    /// Creates a variance input.
    public init(spentNanoUSD: Int64, limitNanoUSD: Int64, budgets: Int, overspent: Int) {
        self.spentNanoUSD = spentNanoUSD
        self.limitNanoUSD = limitNanoUSD
        self.budgets = budgets
        self.overspent = overspent
    }
}
