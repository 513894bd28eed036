extension ReportSource {
    /// Spend over `period`, grouped by zero, one or two dimensions, without a time grain.
    public func spend(groupedBy dimensions: [ReportDimension], period: ReportPeriod) async throws -> [GroupedSpend] {
        try await spend(groupedBy: dimensions, period: period, grain: nil)
    }

    /// Unit economics by one dimension: spend and outcomes for `period` and the previous period of equal length.
    /// Groups are sorted by cost, largest first.
    public func unitEconomics(by dimension: ReportDimension, period: ReportPeriod) async throws -> [UnitRow] {
        let previous = period.previous
        var spendNow: [String?: SpendMeasures] = [:]
        var spendBefore: [String?: SpendMeasures] = [:]
        for g in try await spend(groupedBy: [dimension], period: period) { spendNow[g.keys[0]] = g.measures }
        for g in try await spend(groupedBy: [dimension], period: previous) { spendBefore[g.keys[0]] = g.measures }
        let outcomesNow = try await outcomeTotals(by: dimension, startMs: period.startMs, endMs: period.endMs)
        let outcomesBefore = try await outcomeTotals(by: dimension, startMs: previous.startMs, endMs: previous.endMs)
        let groups = Set(spendNow.keys).union(outcomesNow.keys)
        return groups.map { key in
            UnitRow(
                group: key,
                current: UnitMetrics.compute(spend: spendNow[key] ?? .init(), outcomes: outcomesNow[key] ?? .init(), hours: period.hours),
                previous: UnitMetrics.compute(spend: spendBefore[key] ?? .init(), outcomes: outcomesBefore[key] ?? .init(), hours: previous.hours))
        }.sorted { ($0.current.costNanoUSD, $1.group ?? "") > ($1.current.costNanoUSD, $0.group ?? "") }
    }

    /// The KPI inputs (total spend and outcomes) of a period.
    public func kpiInputs(period: ReportPeriod) async throws -> KPIReport.Inputs {
        let outcomes = try await outcomeTotals(by: nil, startMs: period.startMs, endMs: period.endMs)
        let byStatus = try await spend(groupedBy: [.status], period: period, grain: nil)
        let cached = byStatus.first { $0.keys.first == LedgerEntry.Status.cached.rawValue }?.measures.calls ?? 0
        return KPIReport.Inputs(
            spend: try await spendTotal(period: period), outcomes: outcomes[nil] ?? .init(), hours: period.hours, cachedCalls: cached)
    }

    /// The KPIs of `period`, with trends against the previous period and, when `governance` is given, the variance
    /// against its budgets of the period's kind.
    public func kpis(period: ReportPeriod, targets: ReportsConfiguration.Targets, governance: GovernanceConfiguration?) async throws -> [KPIResult] {
        var budgets: BudgetVariance?
        if let governance { budgets = try await budgetVariance(governance: governance, period: period) }
        return KPIReport.evaluate(
            current: try await kpiInputs(period: period), previous: try await kpiInputs(period: period.previous), targets: targets,
            budgets: budgets)
    }

    /// Spend against the configured budgets whose period is the report's kind (month budgets for
    /// `--period 2026-10`, quarter budgets for `2026-Q4`, ...), read from the ledger over the report
    /// period (UTC); each counter of a per-value budget (`team: "*"`) counts as one budget.
    public func budgetVariance(governance: GovernanceConfiguration, period: ReportPeriod) async throws -> BudgetVariance? {
        let rules = Self.budgetRules(governance: governance, period: period)
        guard !rules.isEmpty else { return nil }
        var variance = BudgetVariance(spentNanoUSD: 0, limitNanoUSD: 0, budgets: 0, overspent: 0)
        for rule in rules {
            guard let limit = Money.parseUSD(rule.limitUSD) else { continue }
            var rows = try await spend(scope: rule.scope, fromMs: period.startMs, toMs: period.endMs, bucketMs: nil)
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

    /// The budgets (and workflow budgets, which are monthly) whose period is the kind of `period`'s label.
    static func budgetRules(governance: GovernanceConfiguration, period: ReportPeriod) -> [BudgetRule] {
        let kind: String
        switch period.label.count {
        case 4: kind = "year"
        case 7 where period.label.contains("-Q"): kind = "quarter"
        case 7: kind = "month"
        case 10: kind = "day"
        default: return []
        }
        var rules = governance.budgets.filter { $0.period == kind }
        if kind == "month" {
            for workflow in governance.workflows {
                if let limit = workflow.budgetUSD {
                    rules.append(
                        BudgetRule(name: "workflow:\(workflow.name)", scope: GovernanceScope([.workflow: .equals(workflow.name)]), limitUSD: limit))
                }
            }
        }
        return rules
    }

    /// The chargeback of `period` under `rateCard`.
    public func chargeback(period: ReportPeriod, rateCard: RateCard) async throws -> Chargeback {
        try Chargeback.compute(byTeam: try await spend(groupedBy: [.team], period: period), rateCard: rateCard)
    }

    /// One team's chargeback statement; a shared team's or the unattributed pool's (``GroupedSpend/unattributed``)
    /// shows what was redistributed.
    /// - Throws: ``ReportError`` when `result` has no line for the team.
    public func chargebackStatement(for team: String, result: Chargeback, period: ReportPeriod) async throws -> ChargebackStatement {
        let key: String? = team == GroupedSpend.unattributed ? nil : team
        let byWorkflow = try await spend(groupedBy: [.team, .workflow], period: period)
            .filter { $0.keys[0] == key }.map { GroupedSpend(keys: [$0.keys[1]], measures: $0.measures) }
        if let line = result.lines.first(where: { $0.team == team }) {
            return try ChargebackStatement.make(line: line, byWorkflow: byWorkflow, period: period, rule: result.rule)
        }
        if let part = result.pool.first(where: { $0.team == key }) {
            return try ChargebackStatement.make(pool: part, byWorkflow: byWorkflow, period: period, rule: result.rule)
        }
        let names = result.lines.map(\.team) + result.pool.map { $0.team ?? GroupedSpend.unattributed }
        throw ReportError("no chargeback line for team '\(team)' in \(period.label) (lines: \(names.joined(separator: ", ")))")
    }
}
