extension Governor.State {
    /// Loads the settled spend of the given budgets' current periods, and the alerts already raised, from the ledger.
    mutating func preload(from source: any SpendSource, identities: Set<String>, nowMs: Int64) async throws {
        for budget in rules.budgets where identities.contains(budget.identity) {
            switch budget.period {
            case .rolling(let seconds):
                let width = Self.bucketWidth(seconds)
                let from = Self.floor(nowMs - seconds * 1_000, width)
                for row in try await source.spend(scope: budget.rule.scope, fromMs: from, toMs: nil, bucketMs: width) {
                    let key = CounterKey(identity: budget.identity, scopeKey: row.scopeKey, windowStartMs: Int64.min)
                    budgets[key, default: .init()].rolling[row.bucketStartMs ?? from, default: 0] += row.nanoUSD
                }
            case .lifetime:
                for row in try await source.spend(scope: budget.rule.scope, fromMs: nil, toMs: nil, bucketMs: nil) {
                    budgets[CounterKey(identity: budget.identity, scopeKey: row.scopeKey, windowStartMs: Int64.min), default: .init()].spent =
                        row.nanoUSD
                }
            default:
                let window = rules.calendar.window(budget.period, containing: nowMs)
                for row in try await source.spend(scope: budget.rule.scope, fromMs: window.startMs, toMs: window.endMs, bucketMs: nil) {
                    budgets[CounterKey(identity: budget.identity, scopeKey: row.scopeKey, windowStartMs: window.startMs), default: .init()].spent =
                        row.nanoUSD
                }
            }
        }
        for alert in try await source.alerts(sinceMs: Int64.min) {
            firedAlerts.insert(
                AlertKey(budget: alert.budget, scopeKey: alert.scopeKey, periodStartMs: alert.periodStartMs, threshold: alert.thresholdPercent))
        }
    }
}
