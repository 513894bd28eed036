import TollgateCore

extension DemoHistory {
    /// Generates the history day by day, settling governance in time order as the gateway would.
    struct DayGenerator {
        let configuration: Configuration
        let pricer: LedgerPricer
        var random: SplitMix64
        var budgets = BudgetLedger()
        var killSwitches: [KillSwitchEpisode] = []
        /// Recent answers of the cached workflow a later hit can have been served from.
        var cacheSources: [String] = []

        init(configuration: Configuration, pricer: LedgerPricer) {
            self.configuration = configuration
            self.pricer = pricer
            self.random = SplitMix64(seed: configuration.seed)
        }

        /// A finished trace (or single call) waiting for its outcome until governance has settled.
        struct Pending {
            var workflow: Workflow
            var ids: [String]
            var traceID: String?
        }

        static func weekday(_ dayStart: Int64) -> Int { Int(((dayStart / 86_400) % 7 + 7 + 3) % 7) }  // 0 = Monday

        /// One day's entries (in time order) and outcomes.
        mutating func day(_ day: Int) -> ([LedgerEntry], [Outcome]) {
            let dayStart = configuration.startDay + Int64(day) * 86_400
            let weekday = Self.weekday(dayStart)
            var entries: [LedgerEntry] = []
            var pending: [Pending] = []
            for (index, workflow) in workflows.enumerated() {
                var volume = workflow.baseDailyCalls * configuration.volume * growthPower(1 + workflow.weeklyGrowth, Double(day) / 7)
                let anomaly = workflow.name == configuration.anomalyWorkflow && day == configuration.anomalyDay
                if anomaly {
                    volume *= configuration.anomalyFactor  // a runaway agent loop ignores the weekend
                } else if weekday >= 5 {
                    volume *= workflow.weekendFactor
                }
                let traces = max(0, Int((volume / Double(workflow.callsPerTrace) * (0.9 + 0.2 * random.nextUnit())).rounded()))
                for trace in 0..<traces {
                    // On the anomaly day a few research traces loop until the agent limit stops them.
                    let steps = anomaly && trace < 6 ? Rules.agentLimit.maxCalls + 7 : workflow.callsPerTrace
                    let calls = self.trace(workflow, index: index, day: day, trace: trace, steps: steps, dayStart: dayStart)
                    entries += calls
                    pending.append(Pending(workflow: workflow, ids: calls.map(\.id), traceID: calls.first?.attribution.traceID))
                }
            }
            if weekday == 0 { entries += bulkBurst(day: day, dayStart: dayStart) }
            if weekday < 5 { entries += unregisteredBatch(day: day, dayStart: dayStart) }
            entries.sort { ($0.timestampMs, $0.id) < ($1.timestampMs, $1.id) }
            if killSwitches.isEmpty, day >= configuration.killSwitchDay, weekday < 5 {
                let episode = KillSwitchEpisode(
                    workflow: Rules.killSwitch.workflow, by: Rules.killSwitch.by, reason: Rules.killSwitch.reason,
                    fromMs: (dayStart + 13 * 3_600) * 1_000, toMs: (dayStart + 16 * 3_600) * 1_000)
                applyKillSwitch(&entries, episode)
                killSwitches.append(episode)
            }
            for index in entries.indices { budgets.govern(&entries[index], pricer: pricer) }
            return (entries, outcomes(pending, entries: entries))
        }

        mutating func trace(_ workflow: Workflow, index: Int, day: Int, trace: Int, steps: Int, dayStart: Int64) -> [LedgerEntry] {
            let traceID = workflow.callsPerTrace > 1 ? "demo-trace-\(day)-\(index)-\(trace)" : nil
            let customer = workflow.customers.isEmpty ? nil : workflow.customers[random.below(workflow.customers.count)]
            var start = dayStart * 1_000 + random.diurnalMs()
            var calls: [LedgerEntry] = []
            for step in 0..<steps {
                let id = "demo-\(day)-\(index)-\(trace)-\(step)"
                var entry = call(workflow: workflow, id: id, at: start, customer: customer, traceID: traceID, random: &random)
                if day >= configuration.days - Rules.routingDays { route(&entry, workflow: workflow) }
                pricer.price(&entry, priceModel: entry.requestedModel)
                if entry.lever == "routing" { priceRoute(&entry) }
                if workflow.name == "support-copilot", entry.status == .ok, random.nextUnit() < 0.04 { redact(&entry, random: &random) }
                if Rules.cache.match.conditions[.workflow] == .equals(workflow.name), day >= configuration.days - Rules.cacheDays {
                    serveFromCache(&entry)
                }
                start = min(dayStart * 1_000 + 86_399_999, start + entry.durationMs + 200)
                calls.append(entry)
            }
            stopRunaway(&calls)
            return calls
        }

        /// Serves a call the routing rule covers with its target model, as the gateway records it.
        func route(_ entry: inout LedgerEntry, workflow: Workflow) {
            let rule = Rules.routing
            guard rule.match.conditions[.workflow] == .equals(workflow.name), rule.match.conditions[.model] == .equals(entry.requestedModel),
                rule.inputTokens?.contains(entry.usage.inputUncached + entry.usage.cacheRead + entry.usage.cacheWrite5m) == true,
                case .model(let target) = rule.target
            else { return }
            entry.routedFrom = entry.requestedModel
            entry.requestedModel = target
            entry.servedModel = target
            entry.lever = "routing"
            entry.leverRule = "\(rule.name): to \(target)"
            entry.leversVersion = Rules.levers.version
            entry.governance = "routed from \(entry.routedFrom!) to \(target) by rule \(rule.name) (to \(target))"
        }

        /// What a routed call saved: the model asked for, priced with the call's usage, less its cost.
        func priceRoute(_ entry: inout LedgerEntry) {
            guard let from = entry.routedFrom, let cost = entry.costNanoUSD, entry.usage != .zero,
                case .priced(let counterfactual, _) = pricer.catalog.cost(model: from, usage: entry.usage, at: entry.timestampMs / 1_000)
            else { return }
            entry.savedNanoUSD = counterfactual.totalNanoUSD - cost
            entry.savedEstimated = true
        }

        /// Turns a successful call of the cached workflow into a cache hit (about ``Rules/cacheHitShare`` of them), as
        /// the gateway records one: no tokens, cost 0, what the call would have cost saved, the answer's source entry.
        mutating func serveFromCache(_ entry: inout LedgerEntry) {
            guard entry.status == .ok, entry.usageSource == .reported else { return }
            guard !cacheSources.isEmpty, random.nextUnit() < Rules.cacheHitShare else {
                cacheSources = Array((cacheSources + [entry.id]).suffix(40))
                return
            }
            entry.savedNanoUSD = entry.costNanoUSD
            entry.sourceID = cacheSources[random.below(cacheSources.count)]
            entry.status = .cached
            entry.usage = .zero
            entry.usageSource = .none
            entry.ttftMs = nil
            entry.durationMs = Int64(2 + random.below(6))
            entry.lever = "cache"
            entry.leversVersion = Rules.levers.version
            entry.governance = "cache hit (rule \(Rules.cache.name))"
            pricer.price(&entry, priceModel: entry.requestedModel)
        }

        /// The knowledge bot's Monday re-index: 40 embedding calls in a few seconds on its bulk key;
        /// the rate limit's bucket (one call every 2 s after the first 30) refuses the rest.
        mutating func bulkBurst(day: Int, dayStart: Int64) -> [LedgerEntry] {
            let rule = Rules.bulkRateLimit
            let workflow = workflows[3]
            var bucket = Double(rule.requestsPerMinute)
            var lastMs = (dayStart + 3 * 3_600) * 1_000 + Int64(random.below(600_000))
            var burst: [LedgerEntry] = []
            for step in 0..<40 {
                let at = lastMs + Int64(50 + random.below(150))
                bucket = min(Double(rule.requestsPerMinute), bucket + Double(at - lastMs) / 60_000 * Double(rule.requestsPerMinute))
                lastMs = at
                var entry = call(workflow: workflow, id: "demo-\(day)-bulk-\(step)", at: at, customer: nil, traceID: nil, random: &random)
                entry.attribution.keyID = rule.keyName
                entry.requestedModel = "text-embedding-3-small"
                entry.servedModel = entry.requestedModel
                entry.route = "embeddings"
                entry.provider = "openai-sim"
                entry.usage = TokenUsage(inputUncached: 300 + Int64(random.below(200)))
                entry.status = .ok
                entry.httpStatus = 200
                entry.usageSource = .reported
                entry.errorMessage = nil
                entry.stream = false
                pricer.price(&entry, priceModel: entry.requestedModel)
                if bucket >= 1 {
                    bucket -= 1
                } else {
                    let wait = Int64(((1 - bucket) * 60 / Double(rule.requestsPerMinute)).rounded(.up))
                    block(
                        &entry, status: 429, rule: "rate_limit:\(rule.name)",
                        message: "Rate limit '\(rule.name)' reached: \(rule.requestsPerMinute) requests per minute. Retry in \(max(1, wait))s.")
                }
                burst.append(entry)
            }
            return burst
        }

        /// A nightly evaluation job on a production key that sends no workflow: the policy refuses it.
        mutating func unregisteredBatch(day: Int, dayStart: Int64) -> [LedgerEntry] {
            let key = Rules.unregisteredKey
            return (0..<3).map { step in
                var entry = LedgerEntry(
                    id: "demo-\(day)-batch-\(step)", timestampMs: (dayStart + 2 * 3_600) * 1_000 + Int64(step * 1_500 + random.below(1_000)),
                    route: "chat.completions", provider: "openai-sim", requestedModel: "gpt-4o-mini", servedModel: "gpt-4o-mini", stream: false,
                    status: .ok, httpStatus: 200,
                    attribution: Attribution(
                        keyID: key.name, org: "demo-corp", team: key.team, app: key.app, environment: "prod", costCenter: "CC-DATA"))
                block(
                    &entry, status: 403, rule: "policy:\(Rules.policy)",
                    message:
                        "A call without a workflow is not registered; policy '\(Rules.policy)' only admits registered workflows (send x-tollgate-workflow)."
                )
                return entry
            }
        }

        /// Outcomes for the day's finished work; work governance refused entirely reports none.
        mutating func outcomes(_ pending: [Pending], entries: [LedgerEntry]) -> [Outcome] {
            let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
            var outcomes: [Outcome] = []
            for work in pending {
                let calls = work.ids.compactMap { byID[$0] }
                guard calls.contains(where: { $0.status != .blocked }) else { continue }
                outcomes += outcomesFor(workflow: work.workflow, calls: calls, traceID: work.traceID, random: &random)
            }
            return outcomes
        }
    }
}
