extension Governor {
    /// Every counter governance keeps, guarded by the governor's lock.
    struct State: Sendable {
        var rules: GovernanceRules
        var budgets: [CounterKey: BudgetCounter] = [:]
        var buckets: [BucketKey: RateBuckets] = [:]
        var traces: [String: TraceCounter] = [:]
        var outputAverage: [String: Double] = [:]
        var firedAlerts: Set<AlertKey> = []
        var killSwitches: [KillSwitch.Target: KillSwitch] = [:]
        /// The current calendar window of each budget (by identity), recomputed when time leaves it.
        var windows: [String: BudgetWindow] = [:]
        var maxOvershoot: Int64 = 0
        var admissions: Int = 0

        init(rules: GovernanceRules) {
            self.rules = rules
        }

        /// A budget counter: one per budget, scope value and period.
        struct CounterKey: Hashable, Sendable {
            var identity: String
            var scopeKey: String
            /// Start of the calendar period; `Int64.min` for rolling and lifetime budgets.
            var windowStartMs: Int64
        }

        struct BudgetCounter: Sendable {
            var spent: Int64 = 0
            var reserved: Int64 = 0
            var overshoot: Int64 = 0
            /// Settled spend per bucket, for rolling budgets.
            var rolling: [Int64: Int64] = [:]

            /// Settled spend in the window ending at `nowMs` (rolling budgets sum their recent buckets).
            mutating func settled(nowMs: Int64, period: BudgetPeriod) -> Int64 {
                guard case .rolling(let seconds) = period else { return spent }
                let width = State.bucketWidth(seconds)
                let oldest = State.floor(nowMs - seconds * 1_000, width)
                rolling = rolling.filter { $0.key >= oldest }
                return rolling.values.reduce(0, +)
            }
        }

        struct BucketKey: Hashable, Sendable {
            var rule: String
            var scopeKey: String
        }

        struct AlertKey: Hashable, Sendable {
            var budget: String
            var scopeKey: String
            var periodStartMs: Int64
            var threshold: Int
        }

        struct TraceCounter: Sendable {
            var calls: Int64 = 0
            var tokens: Int64 = 0
            var cost: Int64 = 0
            var inFlight: Int64 = 0
            var reservedTokens: Int64 = 0
            var reservedCost: Int64 = 0
            var firstMs: Int64
            var lastMs: Int64
        }

        /// Rolling budgets keep spend in 1/24ths of their length.
        static func bucketWidth(_ seconds: Int64) -> Int64 { max(1_000, seconds * 1_000 / 24) }

        static func floor(_ value: Int64, _ width: Int64) -> Int64 {
            value >= 0 ? value / width * width : (value - width + 1) / width * width
        }

        mutating func counterKey(_ budget: GovernanceRules.Budget, scopeKey: String, nowMs: Int64) -> (CounterKey, BudgetWindow?) {
            switch budget.period {
            case .rolling, .lifetime:
                return (CounterKey(identity: budget.identity, scopeKey: scopeKey, windowStartMs: Int64.min), nil)
            default:
                let window: BudgetWindow
                if let cached = windows[budget.identity], cached.startMs <= nowMs, nowMs < (cached.endMs ?? .max) {
                    window = cached
                } else {
                    window = rules.calendar.window(budget.period, containing: nowMs)
                    windows[budget.identity] = window
                }
                return (CounterKey(identity: budget.identity, scopeKey: scopeKey, windowStartMs: window.startMs), window)
            }
        }

        // MARK: Preload

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

        // MARK: Admission

        mutating func admit(
            _ facts: RequestFacts, ticket: GovernanceTicket, budgets applicable: [(Int, String)], agentLimits: [GovernanceRules.AgentLimit],
            rateLimits: [(RateLimitRule, String)], worstCost: Int64?, worstTokens: Int64, outputBound: Int64?, catalog: PriceCatalog,
            allowDowngrade: Bool
        ) -> AdmissionVerdict {
            var ticket = ticket
            let now = facts.nowMs
            admissions &+= 1
            if admissions % 4_096 == 0 { prune(nowMs: now) }

            // Rate limits first: they are the cheapest refusal and protect the provider edge.
            let expectedTokens = facts.estimatedInputTokens + (outputBound ?? 0)
            var rateUpdates: [(BucketKey, RateBuckets)] = []
            for (rule, scopeKey) in rateLimits {
                let key = BucketKey(rule: rule.name, scopeKey: scopeKey)
                var buckets = self.buckets[key] ?? RateBuckets(rule, nowMs: now)
                buckets.refill(nowMs: now)
                if let refusal = buckets.refusal(rule: rule, scopeKey: scopeKey, tokens: expectedTokens) { return .refused(refusal) }
                buckets.take(tokens: expectedTokens)
                if ticket.rateLimits == nil { ticket.rateLimits = buckets.snapshot() }
                rateUpdates.append((key, buckets))
                ticket.rateHolds.append(GovernanceTicket.RateHold(bucket: key, tokens: expectedTokens))
            }

            // Agent limits: one trace, atomically.
            if let trace = facts.attribution.traceID, !agentLimits.isEmpty {
                let counter = traces[trace] ?? TraceCounter(firstMs: now, lastMs: now)
                for limit in agentLimits {
                    if let refusal = Self.agentRefusal(limit, trace: trace, counter: counter, nowMs: now, tokens: worstTokens, cost: worstCost ?? 0) {
                        return .refused(refusal)
                    }
                }
            }

            // Budgets: every applicable one must admit the call.
            var holds: [GovernanceTicket.BudgetHold] = []
            var downgrade: (String, String)?
            var covered: Int64 = .max
            for (index, scopeKey) in applicable {
                let budget = rules.budgets[index]
                let (key, window) = counterKey(budget, scopeKey: scopeKey, nowMs: now)
                var counter = budgets[key] ?? .init()
                let spent = counter.settled(nowMs: now, period: budget.period)
                budgets[key] = counter
                let amount: Int64
                switch budget.rule.mode {
                case .strict:
                    amount = worstCost ?? 0
                    covered = min(covered, outputBound ?? 0)
                case .estimate:
                    let average = Int64((outputAverage[facts.priceModel] ?? 256).rounded(.up)) * max(1, facts.choices)
                    let output = facts.hasOutput ? min(outputBound ?? average, average) : 0
                    covered = min(covered, output)
                    amount = Governor.estimatedCost(catalog: catalog, facts, outputTokens: output) ?? 0
                }
                if Int128(spent) + Int128(counter.reserved) + Int128(amount) > Int128(budget.limitNano) {
                    if budget.rule.action == .downgrade, allowDowngrade, let target = budget.rule.downgradeTo, target != facts.model {
                        if downgrade == nil { downgrade = (target, budget.rule.name) }
                        continue
                    }
                    return .refused(Self.budgetRefusal(budget, scopeKey: scopeKey, spent: spent, reserved: counter.reserved, amount: amount, window: window, calendar: rules.calendar, nowMs: now))
                }
                holds.append(GovernanceTicket.BudgetHold(counter: key, amount: amount, limit: budget.limitNano, budget: index))
                ticket.budgets.append(budget.rule.name)
            }
            if let (target, budget) = downgrade { return .downgrade(to: target, budget: budget) }
            if !agentLimits.isEmpty { covered = min(covered, outputBound ?? 0) }
            ticket.outputTokensCovered = covered == .max ? 0 : covered

            // Everything admits the call: commit all reservations together.
            for (key, buckets) in rateUpdates { self.buckets[key] = buckets }
            for hold in holds {
                budgets[hold.counter, default: .init()].reserved = budgets[hold.counter, default: .init()].reserved.saturatingAdd(hold.amount)
            }
            ticket.budgetHolds = holds
            if let trace = facts.attribution.traceID, !agentLimits.isEmpty {
                // Reserve only what a limit checks: an admitted reservation then fits under that limit, so
                // reservations of concurrent calls always sum within range.
                let tokens = agentLimits.contains { $0.rule.maxTokens != nil } ? worstTokens : 0
                let cost = agentLimits.contains { $0.maxCostNano != nil } ? worstCost ?? 0 : 0
                var counter = traces[trace] ?? TraceCounter(firstMs: now, lastMs: now)
                counter.inFlight += 1
                counter.reservedTokens += tokens
                counter.reservedCost += cost
                counter.lastMs = now
                traces[trace] = counter
                ticket.traceHold = GovernanceTicket.TraceHold(trace: trace, tokens: tokens, cost: cost)
                if traces.count > 100_000 { evictTraces(nowMs: now) }
            }
            return .admitted(ticket)
        }

        /// Drops counters that hold nothing a future decision needs: budget counters of past periods
        /// with no reservation, and rate buckets that have refilled completely.
        mutating func prune(nowMs: Int64) {
            var current: [String: Int64] = [:]
            for budget in rules.budgets {
                switch budget.period {
                case .rolling, .lifetime: current[budget.identity] = Int64.min
                default: current[budget.identity] = rules.calendar.window(budget.period, containing: nowMs).startMs
                }
            }
            budgets = budgets.filter { key, counter in counter.reserved != 0 || current[key.identity] == key.windowStartMs }
            buckets = buckets.filter { _, value in
                var buckets = value
                buckets.refill(nowMs: nowMs)
                return !buckets.isFull
            }
            evictTraces(nowMs: nowMs)
        }

        mutating func evictTraces(nowMs: Int64) {
            traces = traces.filter { $0.value.inFlight > 0 || $0.value.lastMs > nowMs - 3_600_000 }
        }

        static func agentRefusal(
            _ limit: GovernanceRules.AgentLimit, trace: String, counter: TraceCounter, nowMs: Int64, tokens: Int64, cost: Int64
        ) -> GovernanceRefusal? {
            let rule = limit.rule
            var broken: String?
            if let max = rule.maxDuration, nowMs - counter.firstMs > max.milliseconds {
                broken = "it has run \(Self.durationText(ms: nowMs - counter.firstMs)) (max \(Self.durationText(ms: max.milliseconds)))"
            } else if let max = rule.maxCalls, counter.calls + counter.inFlight + 1 > max {
                broken = "it has made \(counter.calls + counter.inFlight) calls (max \(max))"
            } else if let max = rule.maxTokens, Int128(counter.tokens) + Int128(counter.reservedTokens) + Int128(tokens) > Int128(max) {
                broken = "\(counter.tokens + counter.reservedTokens) tokens used or reserved, and this call may use up to \(tokens) (max \(max))"
            } else if let max = limit.maxCostNano, Int128(counter.cost) + Int128(counter.reservedCost) + Int128(cost) > Int128(max) {
                broken =
                    "$\(Money.format(nanoUSD: counter.cost + counter.reservedCost)) spent or reserved, and this call may cost up to $\(Money.format(nanoUSD: cost)) (max $\(Money.format(nanoUSD: max)))"
            }
            guard let broken else { return nil }
            let totals =
                "Trace totals: \(counter.calls) calls, \(counter.tokens) tokens, $\(Money.format(nanoUSD: counter.cost)), running \(Self.durationText(ms: nowMs - counter.firstMs))."
            return GovernanceRefusal(
                code: .agentLimitExceeded, message: "Agent limit '\(rule.name)' stops trace '\(trace)': \(broken). \(totals)",
                detail: .trace(TraceTotals(calls: counter.calls, tokens: counter.tokens, costNanoUSD: counter.cost, firstMs: counter.firstMs)),
                rule: "agent_limit:\(rule.name)")
        }

        static func budgetRefusal(
            _ budget: GovernanceRules.Budget, scopeKey: String, spent: Int64, reserved: Int64, amount: Int64, window: BudgetWindow?,
            calendar: PeriodCalendar, nowMs: Int64
        ) -> GovernanceRefusal {
            let scope = budget.rule.scope.conditions.isEmpty ? "" : " (\(scopeKey.isEmpty ? budget.rule.scope.text : scopeKey))"
            let period: String
            var retry: Int64?
            var resets = ""
            switch budget.period {
            case .lifetime: period = "lifetime"
            case .rolling: period = budget.rule.period
            default:
                period = "\(budget.rule.period) \(calendar.label(budget.period, containing: nowMs))"
                if let end = window?.endMs {
                    retry = max(1, (end - nowMs + 999) / 1_000)
                    resets = " It resets at \(CivilDate.formatTimestamp(ms: end)) UTC."
                }
            }
            let inFlight = reserved > 0 ? ", $\(Money.format(nanoUSD: reserved)) reserved by calls in flight" : ""
            return GovernanceRefusal(
                code: .budgetExceeded,
                message:
                    "Budget '\(budget.rule.name)'\(scope) for \(period) cannot cover this call: limit $\(Money.format(nanoUSD: budget.limitNano)), spent $\(Money.format(nanoUSD: spent))\(inFlight); this call may cost up to $\(Money.format(nanoUSD: amount)).\(resets)",
                retryAfterSeconds: retry, detail: .budget(name: budget.rule.name, limitNanoUSD: budget.limitNano, spentNanoUSD: spent),
                rule: "budget:\(budget.rule.name)")
        }

        static func durationText(ms: Int64) -> String {
            let seconds = max(0, ms / 1_000)
            if seconds < 60 { return "\(seconds)s" }
            if seconds < 3_600 { return "\(seconds / 60)m\(seconds % 60)s" }
            return "\(seconds / 3_600)h\(seconds % 3_600 / 60)m"
        }

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
                budgets[key, default: .init()].reserved = budgets[key, default: .init()].reserved.saturatingAdd(runningCost - ticket.budgetHolds[i].amount)
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
                    let key = AlertKey(budget: budget.rule.name, scopeKey: hold.counter.scopeKey, periodStartMs: hold.counter.windowStartMs, threshold: threshold)
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

        // MARK: Status

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
}
