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
            let rateUpdates: [(BucketKey, RateBuckets)]
            switch takeRates(rateLimits, tokens: facts.estimatedInputTokens + (outputBound ?? 0), nowMs: now, ticket: &ticket) {
            case .success(let updates): rateUpdates = updates
            case .failure(let refusal): return .refused(refusal)
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
            let holds: [GovernanceTicket.BudgetHold]
            var covered: Int64
            switch checkBudgets(
                applicable, facts: facts, worstCost: worstCost, outputBound: outputBound, catalog: catalog, allowDowngrade: allowDowngrade,
                ticket: &ticket)
            {
            case .admit(let h, let c): (holds, covered) = (h, c)
            case .verdict(let verdict): return verdict
            }
            if !agentLimits.isEmpty { covered = min(covered, outputBound ?? 0) }
            ticket.outputTokensCovered = covered == .max ? 0 : covered

            // Everything admits the call: commit all reservations together.
            for (key, buckets) in rateUpdates { self.buckets[key] = buckets }
            for hold in holds {
                budgets[hold.counter, default: .init()].reserved = budgets[hold.counter, default: .init()].reserved.saturatingAdd(hold.amount)
            }
            ticket.budgetHolds = holds
            if let trace = facts.attribution.traceID, !agentLimits.isEmpty {
                ticket.traceHold = holdTrace(trace, agentLimits: agentLimits, worstTokens: worstTokens, worstCost: worstCost, nowMs: now)
            }
            return .admitted(ticket)
        }

        /// Takes the call's expected tokens from every applicable rate limit's buckets, without storing them: the
        /// updated buckets are stored only once every check has admitted the call.
        func takeRates(
            _ rateLimits: [(RateLimitRule, String)], tokens expectedTokens: Int64, nowMs now: Int64, ticket: inout GovernanceTicket
        ) -> Result<[(BucketKey, RateBuckets)], GovernanceRefusal> {
            var rateUpdates: [(BucketKey, RateBuckets)] = []
            for (rule, scopeKey) in rateLimits {
                let key = BucketKey(rule: rule.name, scopeKey: scopeKey)
                var buckets = self.buckets[key] ?? RateBuckets(rule, nowMs: now)
                buckets.refill(nowMs: now)
                if let refusal = buckets.refusal(rule: rule, scopeKey: scopeKey, tokens: expectedTokens) { return .failure(refusal) }
                buckets.take(tokens: expectedTokens)
                if ticket.rateLimits == nil { ticket.rateLimits = buckets.snapshot() }
                rateUpdates.append((key, buckets))
                ticket.rateHolds.append(GovernanceTicket.RateHold(bucket: key, tokens: expectedTokens))
            }
            return .success(rateUpdates)
        }

        /// What the budgets decide: the reservations to make and the output tokens they cover, or a verdict
        /// (a refusal, or a downgrade) that ends the admission.
        enum BudgetCheck {
            case admit(holds: [GovernanceTicket.BudgetHold], covered: Int64)
            case verdict(AdmissionVerdict)
        }

        /// Checks every applicable budget; reserves nothing.
        mutating func checkBudgets(
            _ applicable: [(Int, String)], facts: RequestFacts, worstCost: Int64?, outputBound: Int64?, catalog: PriceCatalog,
            allowDowngrade: Bool, ticket: inout GovernanceTicket
        ) -> BudgetCheck {
            let now = facts.nowMs
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
                    return .verdict(
                        .refused(
                            Self.budgetRefusal(
                                budget, scopeKey: scopeKey, spent: spent, reserved: counter.reserved, amount: amount, window: window,
                                calendar: rules.calendar, nowMs: now)))
                }
                holds.append(GovernanceTicket.BudgetHold(counter: key, amount: amount, limit: budget.limitNano, budget: index))
                ticket.budgets.append(budget.rule.name)
            }
            if let (target, budget) = downgrade { return .verdict(.downgrade(to: target, budget: budget)) }
            return .admit(holds: holds, covered: covered)
        }

        /// Reserves the call on its trace's counter. Only what a limit checks is reserved: an admitted reservation then
        /// fits under that limit, so reservations of concurrent calls always sum within range.
        mutating func holdTrace(
            _ trace: String, agentLimits: [GovernanceRules.AgentLimit], worstTokens: Int64, worstCost: Int64?, nowMs now: Int64
        ) -> GovernanceTicket.TraceHold {
            let tokens = agentLimits.contains { $0.rule.maxTokens != nil } ? worstTokens : 0
            let cost = agentLimits.contains { $0.maxCostNano != nil } ? worstCost ?? 0 : 0
            var counter = traces[trace] ?? TraceCounter(firstMs: now, lastMs: now)
            counter.inFlight += 1
            counter.reservedTokens += tokens
            counter.reservedCost += cost
            counter.lastMs = now
            traces[trace] = counter
            if traces.count > 100_000 { evictTraces(nowMs: now) }
            return GovernanceTicket.TraceHold(trace: trace, tokens: tokens, cost: cost)
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
    }
}
