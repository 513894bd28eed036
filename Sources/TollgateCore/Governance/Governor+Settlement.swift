extension Governor.State {
    // MARK: Streams

    mutating func extend(_ ticket: inout GovernanceTicket, runningCost: Int64, runningTokens: Int64) -> Bool {
        for hold in ticket.budgetHolds where runningCost > hold.amount {
            let counter = budgets[hold.counter] ?? .init()
            let spent = counter.rolling.isEmpty ? counter.spent : counter.rolling.values.reduce(0, +)
            if spent + counter.reserved + (runningCost - hold.amount) > hold.limit { return false }
        }
        if let hold = ticket.traceHold, let counter = traces[hold.trace] {
            let limits = rules.agentLimits.filter { $0.rule.scope.key(for: ticket.facts) != nil }
            for limit in limits {
                if let max = limit.maxCostNano, runningCost > hold.cost, counter.cost + counter.reservedCost + runningCost - hold.cost > max {
                    return false
                }
                if let max = limit.rule.maxTokens, runningTokens > hold.tokens,
                    counter.tokens + counter.reservedTokens + runningTokens - hold.tokens > max
                {
                    return false
                }
            }
        }
        for i in ticket.budgetHolds.indices where runningCost > ticket.budgetHolds[i].amount {
            let key = ticket.budgetHolds[i].counter
            budgets[key, default: .init()].reserved = budgets[key, default: .init()].reserved.saturatingAdd(
                runningCost - ticket.budgetHolds[i].amount)
            ticket.budgetHolds[i].amount = runningCost
        }
        if let hold = ticket.traceHold {
            let cost = max(hold.cost, runningCost)
            let tokens = max(hold.tokens, runningTokens)
            traces[hold.trace]?.reservedCost += cost - hold.cost
            traces[hold.trace]?.reservedTokens += tokens - hold.tokens
            ticket.traceHold = GovernanceTicket.TraceHold(trace: hold.trace, tokens: tokens, cost: cost)
        }
        return true
    }

    // MARK: Settlement

    mutating func settle(_ ticket: GovernanceTicket, entry: LedgerEntry) -> [BudgetAlert] {
        settle(ticket, cost: entry.costNanoUSD ?? 0, tokens: entry.usage.total, outputTokens: entry.usage.output, atMs: entry.timestampMs)
    }

    mutating func settle(_ ticket: GovernanceTicket, cost: Int64, tokens: Int64, outputTokens: Int64?, atMs: Int64) -> [BudgetAlert] {
        var alerts: [BudgetAlert] = []
        for hold in ticket.budgetHolds {
            var counter = budgets[hold.counter] ?? .init()
            counter.reserved = max(0, counter.reserved.saturatingAdd(-hold.amount))
            let indexed = hold.budget < rules.budgets.count && rules.budgets[hold.budget].identity == hold.counter.identity
            guard let budget = indexed ? rules.budgets[hold.budget] : rules.budgets.first(where: { $0.identity == hold.counter.identity }) else {
                budgets[hold.counter] = counter
                continue
            }
            let before = counter.settled(nowMs: atMs, period: budget.period)
            if case .rolling(let seconds) = budget.period {
                counter.rolling[Self.floor(atMs, Self.bucketWidth(seconds)), default: 0] += cost
            } else {
                counter.spent += cost
            }
            let after = before + cost
            if after > budget.limitNano {
                counter.overshoot = max(counter.overshoot, after - budget.limitNano)
                maxOvershoot = max(maxOvershoot, counter.overshoot)
            }
            budgets[hold.counter] = counter
            for threshold in budget.rule.thresholds.sorted() {
                let mark = Int64((Int128(budget.limitNano) * Int128(threshold) + 99) / 100)
                guard before < mark, after >= mark else { continue }
                let key = AlertKey(
                    budget: budget.rule.name, scopeKey: hold.counter.scopeKey, periodStartMs: hold.counter.windowStartMs, threshold: threshold)
                guard firedAlerts.insert(key).inserted else { continue }
                let label: String
                switch budget.period {
                case .rolling, .lifetime: label = budget.rule.period
                default: label = rules.calendar.label(budget.period, containing: hold.counter.windowStartMs)
                }
                alerts.append(
                    BudgetAlert(
                        atMs: atMs, budget: budget.rule.name, scopeKey: hold.counter.scopeKey, period: label,
                        periodStartMs: hold.counter.windowStartMs, thresholdPercent: threshold, spentNanoUSD: after,
                        limitNanoUSD: budget.limitNano))
            }
        }
        for hold in ticket.rateHolds {
            buckets[hold.bucket]?.refund(reserved: hold.tokens, actual: tokens)
        }
        if let hold = ticket.traceHold, var counter = traces[hold.trace] {
            counter.inFlight -= 1
            counter.reservedTokens -= hold.tokens
            counter.reservedCost -= hold.cost
            counter.calls += outputTokens == nil && tokens == 0 && cost == 0 ? 0 : 1
            counter.tokens += tokens
            counter.cost += cost
            traces[hold.trace] = counter
        }
        if let outputTokens, outputTokens > 0 {
            let perChoice = Double(outputTokens) / Double(max(1, ticket.facts.choices))
            let old = outputAverage[ticket.facts.priceModel] ?? perChoice
            outputAverage[ticket.facts.priceModel] = old * 0.9 + perChoice * 0.1
        }
        return alerts
    }
}
