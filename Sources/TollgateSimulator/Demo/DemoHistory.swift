public import TollgateCore

/// A deterministic, seeded synthetic history for `tollgate demo`: 90 days of ledger entries
/// and business outcomes for the demo's five workflows.
///
/// The history has weekly seasonality (quiet weekends), steady growth, one price change (two
/// models got cheaper: entries before ``Configuration/priceChangeDay`` are priced with an older
/// dated price version, later ones with the newer) and one anomaly (a runaway agent day for
/// one workflow). Every entry is priced by ``LedgerPricer`` over the real catalog plus the two
/// dated versions from ``priceVersions(catalog:configuration:)``, exactly as the gateway would.
/// Governance plays out as it does at the gate (``Rules``): budgets raise alerts, refuse and
/// downgrade, the agent limit stops runaway traces, a rate limit refuses a bulk burst, the `prod`
/// policy refuses an unregistered batch job and redacts personal data, and a kill switch is set
/// and cleared once.
///
/// ```swift
/// let history = DemoHistory.generate(catalog: catalog, configuration: .init(endDay: today))
/// ```
public enum DemoHistory {
    /// One demo workflow: who runs it, with which models, and what it achieves.
    public struct Workflow: Sendable, Hashable {
        /// Workflow name (also the app name).
        public var name: String
        /// Owning team.
        public var team: String
        /// The virtual key's name in the demo configuration (`<team>-<workflow>`; never the secret).
        public var keyName: String
        /// Models used, with their share of calls.
        public var models: [(name: String, share: Double)]
        /// Calls on a weekday at the start of the history.
        public var baseDailyCalls: Double
        /// Growth of daily calls per week (0.02 = +2 % a week).
        public var weeklyGrowth: Double
        /// Weekend volume relative to a weekday.
        public var weekendFactor: Double
        /// Mean prompt tokens per call.
        public var inputTokens: Int64
        /// Mean output tokens per call.
        public var outputTokens: Int64
        /// Share of prompt tokens read from the provider's prompt cache.
        public var cacheReadShare: Double
        /// Calls per agent trace (1 = no traces).
        public var callsPerTrace: Int
        /// Customers served (declared attribution); empty for internal workflows.
        public var customers: [String]
        /// Outcome reported for each call (or each trace).
        public var outcomeName: String
        /// Share of outcomes that succeed.
        public var successRate: Double
        /// Business value of a success, in nano-USD.
        public var valueNanoUSD: Int64

        public static func == (lhs: Workflow, rhs: Workflow) -> Bool { lhs.name == rhs.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// What to generate.
    public struct Configuration: Sendable, Hashable {
        /// Seed of the pseudo-random generator: the same seed gives the same history.
        public var seed: UInt64
        /// Unix seconds of 00:00 UTC of the day after the last generated day.
        public var endDay: Int64
        /// Days of history.
        public var days: Int
        /// Day index (0 = first day) from which the newer price version applies.
        public var priceChangeDay: Int
        /// The workflow with the anomaly.
        public var anomalyWorkflow: String
        /// Day index of the anomaly.
        public var anomalyDay: Int
        /// Call volume multiplier on the anomaly day.
        public var anomalyFactor: Double
        /// Scales every workflow's volume (1 = the default demo size, about 40,000 calls).
        public var volume: Double
        /// Day index from which the first weekday has a kill-switch episode (13:00–16:00 UTC).
        public var killSwitchDay: Int

        /// Creates a configuration.
        public init(
            seed: UInt64 = 20_261_126, endDay: Int64, days: Int = 90, priceChangeDay: Int = 45, anomalyWorkflow: String = "sales-research-agent",
            anomalyDay: Int = 71, anomalyFactor: Double = 6, volume: Double = 1, killSwitchDay: Int = 60
        ) {
            self.seed = seed
            self.endDay = endDay / 86_400 * 86_400
            self.days = days
            self.priceChangeDay = priceChangeDay
            self.anomalyWorkflow = anomalyWorkflow
            self.anomalyDay = anomalyDay
            self.anomalyFactor = anomalyFactor
            self.volume = volume
            self.killSwitchDay = killSwitchDay
        }

        /// Unix seconds of 00:00 UTC of the first day.
        public var startDay: Int64 { endDay - Int64(days) * 86_400 }

        /// Unix seconds of 00:00 UTC of the price change.
        public var priceChangeAt: Int64 { startDay + Int64(priceChangeDay) * 86_400 }
    }

    /// A dated price version the history needs recorded in the ledger database.
    public struct PriceVersion: Sendable, Hashable {
        /// Version id, recorded on the entries it priced.
        public var id: String
        /// When it takes effect (unix seconds).
        public var effectiveFrom: Int64
        /// Its prices (each with ``ModelPrice/source`` = ``id``).
        public var prices: [ModelPrice]
    }

    /// The generated history.
    public struct History: Sendable {
        /// Ledger entries, oldest first.
        public var entries: [LedgerEntry]
        /// Outcomes, in the order they happened.
        public var outcomes: [Outcome]
        /// The two dated price versions (older, newer) the entries were priced with.
        public var priceVersions: [PriceVersion]
        /// Budget thresholds crossed, in the order they were crossed.
        public var alerts: [BudgetAlert]
        /// Kill switches set and cleared during the history.
        public var killSwitches: [KillSwitchEpisode]
    }

    /// The demo's five workflows: the same names, teams, keys and models as the live demo traffic.
    public static let workflows: [Workflow] = [
        Workflow(
            name: "support-copilot", team: "support", keyName: "support-support-copilot", models: [("gpt-4o-mini", 0.8), ("gpt-4o", 0.2)],
            baseDailyCalls: 160, weeklyGrowth: 0.015, weekendFactor: 0.45, inputTokens: 2_400, outputTokens: 320, cacheReadShare: 0.45,
            callsPerTrace: 1, customers: ["acme", "globex", "initech", "umbrella"], outcomeName: "ticket_resolved", successRate: 0.78,
            valueNanoUSD: 4_000_000_000),
        Workflow(
            name: "contract-extraction", team: "legal", keyName: "legal-contract-extraction", models: [("claude-sonnet-4-5", 1)],
            baseDailyCalls: 45, weeklyGrowth: 0.01, weekendFactor: 0.1, inputTokens: 14_000, outputTokens: 1_400, cacheReadShare: 0.3,
            callsPerTrace: 1, customers: ["acme", "hooli"], outcomeName: "contract_extracted", successRate: 0.93, valueNanoUSD: 12_000_000_000),
        Workflow(
            name: "sales-research-agent", team: "sales", keyName: "sales-sales-research-agent", models: [("o3-mini", 0.6), ("gpt-4o-mini", 0.4)],
            baseDailyCalls: 60, weeklyGrowth: 0.04, weekendFactor: 0.2, inputTokens: 5_000, outputTokens: 900, cacheReadShare: 0.2,
            callsPerTrace: 5, customers: ["globex", "hooli", "stark"], outcomeName: "lead_qualified", successRate: 0.35,
            valueNanoUSD: 40_000_000_000),
        Workflow(
            name: "knowledge-bot", team: "it", keyName: "it-knowledge-bot", models: [("claude-haiku-4-5", 0.6), ("text-embedding-3-small", 0.4)],
            baseDailyCalls: 110, weeklyGrowth: 0.02, weekendFactor: 0.25, inputTokens: 1_800, outputTokens: 260, cacheReadShare: 0.5,
            callsPerTrace: 1, customers: [], outcomeName: "question_answered", successRate: 0.85, valueNanoUSD: 500_000_000),
        Workflow(
            name: "marketing-drafting", team: "marketing", keyName: "marketing-marketing-drafting",
            models: [("gpt-4o", 0.5), ("claude-sonnet-4-5", 0.5)], baseDailyCalls: 30, weeklyGrowth: 0.025, weekendFactor: 0.05,
            inputTokens: 1_200, outputTokens: 900, cacheReadShare: 0.1, callsPerTrace: 1, customers: [], outcomeName: "draft_accepted",
            successRate: 0.6, valueNanoUSD: 8_000_000_000),
    ]

    /// Models whose price changed during the history: before the change they cost 3/2 of today's price.
    public static let repricedModels = ["gpt-4o", "claude-sonnet-4-5"]

    /// The older and newer dated price versions of ``repricedModels``: the newer is `catalog`'s
    /// current price, the older 3/2 of it (exact: catalog rates are always even in storage units).
    public static func priceVersions(catalog: PriceCatalog, configuration: Configuration) -> [PriceVersion] {
        let oldID = "demo-list-\(CivilDate.format(unixSeconds: configuration.startDay))"
        let newID = "demo-list-\(CivilDate.format(unixSeconds: configuration.priceChangeAt))"
        var old: [ModelPrice] = []
        var new: [ModelPrice] = []
        for model in repricedModels {
            guard var price = catalog.price(for: model, at: configuration.priceChangeAt) else { continue }
            price.effectiveFrom = configuration.priceChangeAt
            price.source = newID
            new.append(price)
            var older = price
            older.effectiveFrom = configuration.startDay
            older.source = oldID
            older.base = scaled(price.base)
            older.thresholds = price.thresholds.map { tier in
                var tier = tier
                tier.rates = scaled(tier.rates)
                return tier
            }
            old.append(older)
        }
        return [
            PriceVersion(id: oldID, effectiveFrom: configuration.startDay, prices: old),
            PriceVersion(id: newID, effectiveFrom: configuration.priceChangeAt, prices: new),
        ]
    }

    private static func scaled(_ rates: RateSet) -> RateSet {
        func up(_ rate: USDRate?) -> USDRate? { rate.flatMap { $0.scaled(numerator: 3, denominator: 2) ?? $0 } }
        return RateSet(
            input: up(rates.input), output: up(rates.output), cacheRead: up(rates.cacheRead), cacheWrite: up(rates.cacheWrite),
            cacheWrite1h: up(rates.cacheWrite1h), reasoning: up(rates.reasoning))
    }

    /// The catalog the history is priced with: `catalog` plus the two dated versions, merged the
    /// way the gateway merges versions stored in the ledger database.
    public static func pricingCatalog(catalog: PriceCatalog, versions: [PriceVersion]) -> PriceCatalog {
        versions.reduce(catalog) { $0.merging($1.prices, version: $1.id) }
    }

    /// Generates the history.
    /// - Parameters:
    ///   - catalog: The catalog the gateway prices with (the built-in snapshot).
    ///   - configuration: Seed, period, price change and anomaly.
    public static func generate(catalog: PriceCatalog, configuration: Configuration) -> History {
        let versions = priceVersions(catalog: catalog, configuration: configuration)
        var generator = DayGenerator(
            configuration: configuration, pricer: LedgerPricer(catalog: pricingCatalog(catalog: catalog, versions: versions)))
        var entries: [LedgerEntry] = []
        var outcomes: [Outcome] = []
        entries.reserveCapacity(Int(50_000 * configuration.volume))
        for day in 0..<configuration.days {
            let (dayEntries, dayOutcomes) = generator.day(day)
            entries += dayEntries
            outcomes += dayOutcomes
        }
        outcomes.sort { ($0.occurredAtMs, $0.id) < ($1.occurredAtMs, $1.id) }
        return History(
            entries: entries, outcomes: outcomes, priceVersions: versions, alerts: generator.budgets.alerts,
            killSwitches: generator.killSwitches)
    }

    /// One synthetic call (not yet priced).
    static func call(workflow: Workflow, id: String, at ms: Int64, customer: String?, traceID: String?, random: inout SplitMix64) -> LedgerEntry {
        var pick = random.nextUnit()
        var model = workflow.models[0].name
        for candidate in workflow.models {
            if pick < candidate.share {
                model = candidate.name
                break
            }
            pick -= candidate.share
        }
        let embedding = model.hasPrefix("text-embedding")
        let anthropic = model.hasPrefix("claude")
        let route = embedding ? "embeddings" : anthropic ? "messages" : "chat.completions"
        let prompt = max(16, Int64(Double(workflow.inputTokens) * (embedding ? 0.2 : 1) * (0.4 + 1.2 * random.nextUnit())))
        let cached = embedding ? 0 : Int64(Double(prompt) * workflow.cacheReadShare * (0.6 + 0.8 * random.nextUnit())) / 64 * 64
        let cacheWrite = anthropic && random.nextUnit() < 0.15 ? min(prompt - cached, 1_024) : 0
        var output = embedding ? 0 : max(1, Int64(Double(workflow.outputTokens) * (0.3 + 1.4 * random.nextUnit())))
        let reasoning = model.hasPrefix("o3") ? output * Int64(2 + random.below(4)) : 0
        output += reasoning
        var status = LedgerEntry.Status.ok
        var httpStatus = 200
        var usage = TokenUsage(
            inputUncached: prompt - cached - cacheWrite, cacheRead: cached, cacheWrite5m: cacheWrite, output: output, reasoning: reasoning)
        var source = LedgerEntry.UsageSource.reported
        var error: String?
        let fault = random.nextUnit()
        if fault < 0.012 {
            status = .upstreamError
            httpStatus = 429
            usage = .zero
            source = .none
            error = "provider answered 429"
        } else if fault < 0.016 {
            status = .cancelled
            httpStatus = 0
            output /= 3
            usage.output = output
            usage.reasoning = min(usage.reasoning, output)
            source = .estimated
        }
        let stream = !embedding && random.nextUnit() < 0.5
        let ttft: Int64? = status == .upstreamError ? nil : Int64(250 + random.below(900))
        let duration = (ttft ?? 120) + (embedding ? 40 : usage.output * Int64(anthropic ? 12 : 9))
        let served = model.hasPrefix("gpt-4o-mini") ? "gpt-4o-mini-2024-07-18" : model == "gpt-4o" ? "gpt-4o-2024-08-06" : model
        return LedgerEntry(
            id: id, timestampMs: ms, durationMs: duration, ttftMs: ttft, route: route, provider: anthropic ? "anthropic-sim" : "openai-sim",
            requestedModel: model, servedModel: served, stream: stream, status: status, httpStatus: httpStatus, usage: usage,
            usageSource: source,
            attribution: Attribution(
                keyID: workflow.keyName, org: "demo-corp", team: workflow.team, app: workflow.name, environment: "prod",
                costCenter: "CC-\(workflow.team.uppercased())", workflow: workflow.name, customer: customer,
                promptVersion: "v\(1 + random.below(3))", traceID: traceID,
                declared: customer == nil ? [.promptVersion] : [.customer, .promptVersion]),
            errorMessage: error)
    }

    /// The outcomes the application reports for a finished call or agent trace.
    static func outcomesFor(workflow: Workflow, calls: [LedgerEntry], traceID: String?, random: inout SplitMix64) -> [Outcome] {
        guard let last = calls.last else { return [] }
        // Embedding lookups are a step of an answer, not an outcome of their own.
        if traceID == nil, last.route == "embeddings" { return [] }
        let failedCall = calls.contains { $0.status != .ok && $0.status != .cached }
        let roll = random.nextUnit()
        let status: Outcome.Status =
            failedCall ? .failure : roll < workflow.successRate ? .success : roll < workflow.successRate + 0.05 ? .partial : .failure
        let value: Int64? =
            switch status {
            case .success: workflow.valueNanoUSD
            case .partial: workflow.valueNanoUSD / 2
            case .failure: nil
            }
        let occurred = last.timestampMs + last.durationMs + Int64(random.below(600_000))
        return [
            Outcome(
                id: "demo-outcome-\(last.id)", requestID: traceID == nil ? last.id : nil, traceID: traceID, workflow: workflow.name,
                name: workflow.outcomeName, status: status, valueNanoUSD: value,
                quality: status == .failure ? nil : Double(70 + random.below(31)) / 100, humanReviewed: random.nextUnit() < 0.1,
                occurredAtMs: occurred, receivedAtMs: occurred + Int64(random.below(3_600_000)))
        ]
    }
}

extension SplitMix64 {
    /// Milliseconds into a UTC day, busier in office hours (08:00–18:00 gets about 80 %).
    mutating func diurnalMs() -> Int64 {
        let hour: Int64 = nextUnit() < 0.8 ? 8 + Int64(below(10)) : Int64(below(24))
        return hour * 3_600_000 + Int64(below(3_600_000))
    }
}

/// x^y for the growth curve, without Foundation (`y` ≥ 0).
func growthPower(_ x: Double, _ y: Double) -> Double {
    // exp(y · ln x) by series is overkill here: growth is applied per whole and fractional week.
    let whole = Int(y)
    var result = 1.0
    for _ in 0..<whole { result *= x }
    let fraction = y - Double(whole)
    // Linear interpolation within a week is exact enough for synthetic volumes.
    return result * (1 + (x - 1) * fraction)
}
