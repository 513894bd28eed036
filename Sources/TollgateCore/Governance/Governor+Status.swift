extension Governor.State {
    mutating func status(nowMs: Int64) -> [BudgetStatus] {
        var result: [BudgetStatus] = []
        for budget in rules.budgets {
            let windowStart: Int64
            var resets: Int64?
            switch budget.period {
            case .rolling, .lifetime: windowStart = Int64.min
            default:
                let window = rules.calendar.window(budget.period, containing: nowMs)
                windowStart = window.startMs
                resets = window.endMs
            }
            let label: String
            switch budget.period {
            case .rolling, .lifetime: label = budget.rule.period
            default: label = rules.calendar.label(budget.period, containing: nowMs)
            }
            let keys = budgets.keys.filter { $0.identity == budget.identity && $0.windowStartMs == windowStart }.sorted { $0.scopeKey < $1.scopeKey }
            for key in keys.isEmpty ? [CounterKey(identity: budget.identity, scopeKey: "", windowStartMs: windowStart)] : keys {
                var counter = budgets[key] ?? .init()
                let spent = counter.settled(nowMs: nowMs, period: budget.period)
                result.append(
                    BudgetStatus(
                        budget: budget.rule.name, scopeKey: key.scopeKey, period: label, spentNanoUSD: spent, reservedNanoUSD: counter.reserved,
                        limitNanoUSD: budget.limitNano, resetsAtMs: resets, mode: budget.rule.mode.rawValue, overshootNanoUSD: counter.overshoot))
            }
        }
        return result
    }
}
