public import TollgateCore

extension DemoHistory {
    /// The governance rules the history plays out; `tollgate demo` configures the same rules, so
    /// the live gateway continues what the history shows.
    public enum Rules {
        /// A budget the history settles every call against, in time order.
        public struct Budget: Sendable, Hashable {
            /// Budget name (the ledger records `budget:<name>`).
            public var name: String
            /// The one scope dimension it governs (`org`, `team` or `model`) and its value.
            public var dimension: String
            /// The value of ``dimension``.
            public var value: String
            /// `day` or `month` (UTC).
            public var period: String
            /// Limit in nano-USD.
            public var limitNanoUSD: Int64
            /// Alert thresholds, percent of the limit.
            public var thresholds: [Int]
            /// The cheaper model served once the budget is spent; nil means calls are refused.
            public var downgradeTo: String?
            /// `strict` reserves a call's largest cost (never overspends); `estimate` reserves an estimate
            /// (here half the call's cost), so the call that crosses 100 % still goes through.
            public var mode = "strict"

            func matches(_ entry: LedgerEntry) -> Bool {
                switch dimension {
                case "org": entry.attribution.org == value
                case "team": entry.attribution.team == value
                default: entry.requestedModel == value
                }
            }
        }

        /// The budgets: an organisation-wide monthly budget that raises alerts, a team's daily budget
        /// that refuses calls once spent, and a model's daily budget that downgrades to a cheaper model.
        public static let budgets: [Budget] = [
            Budget(
                name: "demo-corp-monthly", dimension: "org", value: "demo-corp", period: "month", limitNanoUSD: 135_000_000_000,
                thresholds: [50, 80, 100]),
            Budget(
                name: "marketing-daily", dimension: "team", value: "marketing", period: "day", limitNanoUSD: 400_000_000,
                thresholds: [50, 80, 100], mode: "estimate"),
            Budget(
                name: "gpt-4o-daily", dimension: "model", value: "gpt-4o", period: "day", limitNanoUSD: 300_000_000, thresholds: [100],
                downgradeTo: "gpt-4o-mini"),
        ]

        /// The agent limit on research traces: calls after the 25th are refused.
        public static let agentLimit = (name: "research-task", workflow: "sales-research-agent", maxCalls: 25)
        /// The rate limit on the knowledge bot's bulk re-index key: a burst beyond it is refused.
        public static let bulkRateLimit = (name: "bulk-reindex", keyName: "it-knowledge-bot-bulk", requestsPerMinute: 30)
        /// The key of a batch job that calls without a registered workflow: the `prod` policy refuses it.
        public static let unregisteredKey = (name: "data-batch-eval", team: "data", app: "batch-eval")
        /// The policy that admits registered workflows only and redacts personal data.
        public static let policy = "prod"
        /// Who switched the kill switch, and why.
        public static let killSwitch = (workflow: "marketing-drafting", by: "ops@demo-corp.example", reason: "drafts loop on a broken template")
        /// The response cache rule switched on for the knowledge bot's repeated questions, for the last
        /// ``cacheDays`` days of the history; about ``cacheHitShare`` of its calls are served from the cache then.
        public static let cache = CacheRule(
            name: "knowledge-faq", match: GovernanceScope([.workflow: .equals("knowledge-bot")]), ttl: .seconds(3_600))
        /// The routing rule of the last ``routingDays``: the support copilot's short gpt-4o calls go to gpt-4o-mini.
        public static let routing = RoutingRule(
            name: "copilot-short", match: GovernanceScope([.workflow: .equals("support-copilot"), .model: .equals("gpt-4o")]),
            inputTokens: 0...2_500, target: .model("gpt-4o-mini"))
        /// Days at the end of the history with the routing rule on.
        public static let routingDays = 14
        /// The levers of the demo's configuration.
        public static var levers: LeversConfiguration {
            LeversConfiguration(cache: CacheConfiguration(rules: [cache]), routing: RoutingConfiguration(rules: [routing]))
        }
        /// Days at the end of the history with the cache on.
        public static let cacheDays = 21
        /// Share of the knowledge bot's calls served from the cache once it is on.
        public static let cacheHitShare = 0.4
    }

    /// A kill switch that was set and cleared during the history.
    public struct KillSwitchEpisode: Sendable, Hashable {
        /// The workflow switched off.
        public var workflow: String
        /// Who switched it.
        public var by: String
        /// Why.
        public var reason: String
        /// When it was set (ms).
        public var fromMs: Int64
        /// When it was cleared (ms).
        public var toMs: Int64
    }

    /// Running budget counters while the history is settled in time order.
    struct BudgetLedger {
        var spent: [String: Int64] = [:]
        var alerts: [BudgetAlert] = []

        static func window(_ budget: Rules.Budget, ms: Int64) -> (label: String, startMs: Int64) {
            let day = CivilDate.format(unixSeconds: ms / 1_000)
            guard budget.period == "month" else { return (day, ms / 86_400_000 * 86_400_000) }
            let month = String(day.prefix(7))
            return (month, (CivilDate.unixSeconds(month + "-01") ?? 0) * 1_000)
        }

        /// Applies the budgets to one call, as the gateway does: refuse or downgrade when the call does
        /// not fit, otherwise settle its cost and record the thresholds it crosses.
        mutating func govern(_ entry: inout LedgerEntry, pricer: LedgerPricer) {
            guard entry.status != .blocked else { return }
            for budget in Rules.budgets where budget.matches(entry) {
                let (label, start) = Self.window(budget, ms: entry.timestampMs)
                let key = budget.name + "/" + label
                let spent = spent[key, default: 0]
                let reserved = (entry.costNanoUSD ?? 0) / (budget.mode == "estimate" ? 2 : 1)
                guard spent + reserved > budget.limitNanoUSD else { continue }
                if let target = budget.downgradeTo {
                    DemoHistory.downgrade(&entry, to: target, budget: budget.name, pricer: pricer)
                } else {
                    let message =
                        "Budget '\(budget.name)' (\(budget.dimension)=\(budget.value)) for \(budget.period) \(label) cannot cover this call: "
                        + "limit $\(Money.format(nanoUSD: budget.limitNanoUSD)), spent $\(Money.format(nanoUSD: spent)). "
                        + "It resets at \(CivilDate.formatTimestamp(ms: start + (budget.period == "day" ? 86_400_000 : 0))) UTC."
                    DemoHistory.block(&entry, status: 429, rule: "budget:\(budget.name)", message: message)
                    return
                }
            }
            for budget in Rules.budgets where budget.matches(entry) {
                let (label, start) = Self.window(budget, ms: entry.timestampMs)
                let key = budget.name + "/" + label
                let before = spent[key, default: 0]
                let after = before + (entry.costNanoUSD ?? 0)
                spent[key] = after
                for threshold in budget.thresholds
                where Int128(before) * 100 < Int128(budget.limitNanoUSD) * Int128(threshold)
                    && Int128(after) * 100 >= Int128(budget.limitNanoUSD) * Int128(threshold)
                {
                    alerts.append(
                        BudgetAlert(
                            atMs: entry.timestampMs + entry.durationMs, budget: budget.name, scopeKey: "", period: label, periodStartMs: start,
                            thresholdPercent: threshold, spentNanoUSD: after, limitNanoUSD: budget.limitNanoUSD))
                }
            }
        }
    }

    /// Turns a call into the `blocked` entry the gateway records for a refusal: no upstream call, no
    /// tokens, cost zero, the refusal's message and the rule that refused.
    static func block(_ entry: inout LedgerEntry, status: Int, rule: String, message: String) {
        entry.status = .blocked
        entry.httpStatus = status
        entry.durationMs = 0
        entry.ttftMs = nil
        entry.usage = .zero
        entry.usageSource = .none
        entry.pricing = .priced
        entry.costNanoUSD = 0
        entry.costBreakdown = .init()
        entry.priceVersion = nil
        entry.servedModel = entry.requestedModel
        entry.attempts = []
        entry.errorMessage = message
        entry.governance = "blocked by \(rule)"
        entry.redactions = 0
    }

    /// Serves a call with a budget's cheaper model, as the gateway does, and prices it with that model.
    static func downgrade(_ entry: inout LedgerEntry, to target: String, budget: String, pricer: LedgerPricer) {
        entry.routedFrom = entry.requestedModel
        // The gateway notes the downgrade first, then what the policy did to the body (a redaction).
        entry.governance = "downgraded from \(entry.requestedModel) to \(target) by budget:\(budget)" + (entry.governance.map { "; " + $0 } ?? "")
        entry.requestedModel = target
        entry.servedModel = target == "gpt-4o-mini" ? "gpt-4o-mini-2024-07-18" : target
        pricer.price(&entry, priceModel: target)
    }

    /// Marks personal data the `prod` policy redacted from a prompt before it left.
    static func redact(_ entry: inout LedgerEntry, random: inout SplitMix64) {
        let emails = 1 + random.below(2)
        let phones = random.below(2)
        entry.redactions = emails + phones
        entry.governance = "redacted email×\(emails)" + (phones > 0 ? ", phone×\(phones)" : "")
    }

    /// Refuses the steps of a runaway research trace beyond the agent limit's `max_calls`.
    static func stopRunaway(_ steps: inout [LedgerEntry]) {
        let limit = Rules.agentLimit
        guard steps.count > limit.maxCalls, let trace = steps.first?.attribution.traceID else { return }
        let admitted = steps.prefix(limit.maxCalls)
        let tokens = admitted.reduce(Int64(0)) { $0 + $1.usage.total }
        let cost = admitted.reduce(Int64(0)) { $0 + ($1.costNanoUSD ?? 0) }
        let minutes = ((steps[limit.maxCalls].timestampMs - steps[0].timestampMs) / 1_000) / 60
        for index in limit.maxCalls..<steps.count {
            let message =
                "Agent limit '\(limit.name)' stops trace '\(trace)': it has made \(limit.maxCalls) calls (max \(limit.maxCalls)). "
                + "Trace totals: \(limit.maxCalls) calls, \(tokens) tokens, $\(Money.format(nanoUSD: cost)), running \(minutes)m."
            block(&steps[index], status: 429, rule: "agent_limit:\(limit.name)", message: message)
        }
    }

    /// Refuses the calls of a workflow while its kill switch was on.
    static func applyKillSwitch(_ entries: inout [LedgerEntry], _ episode: KillSwitchEpisode) {
        for index in entries.indices
        where entries[index].attribution.workflow == episode.workflow && entries[index].timestampMs >= episode.fromMs
            && entries[index].timestampMs < episode.toMs && entries[index].status != .blocked
        {
            block(
                &entries[index], status: 503, rule: "kill_switch:workflow",
                message: "The workflow '\(episode.workflow)' is switched off by \(episode.by): \(episode.reason)")
        }
    }
}
