public import Prometheus
import Synchronization
import TollgateCore

/// Prometheus metrics for the gateway, on a registry it owns (no process-global bootstrap).
///
/// Labels are bounded: route, provider and model come from the configuration, status from a
/// fixed set, and team and workflow are capped by ``Limits``: the first values seen keep their
/// own series, later ones share the series labelled ``LabelBound/overflow`` (`"other"`).
/// Calls without a team or workflow are labelled ``LabelBound/none`` (`"unattributed"`).
/// Customers, users, keys, prompts and traces never become labels. See `docs/observability.md`.
public final class GatewayMetrics: Sendable {
    /// How many distinct values a free-form label may take before the rest become `"other"`.
    public struct Limits: Sendable, Hashable {
        /// Distinct `team` label values.
        public var teams: Int
        /// Distinct `workflow` label values (workflows may be declared by callers through a header).
        public var workflows: Int

        /// Creates limits.
        public init(teams: Int = 50, workflows: Int = 100) {
            self.teams = teams
            self.workflows = workflows
        }
    }

    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The team label's bound.
    public let teams: LabelBound
    /// The workflow label's bound.
    public let workflows: LabelBound
    private let series = Mutex<[SeriesKey: Series]>([:])

    private struct SeriesKey: Hashable {
        var route: String
        var provider: String
        var model: String
        var status: String
        var team: String
        var workflow: String
    }

    private struct Series: Sendable {
        var requests: Counter
        var cost: Counter
        var unpriced: Counter
        var estimated: Counter
        var rerouted: Counter
        var tokens: [(type: String, counter: Counter)]
        var duration: DurationHistogram
        var ttft: DurationHistogram
    }

    /// Creates the metrics on `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), limits: Limits = Limits()) {
        self.registry = registry
        self.teams = LabelBound(limit: limits.teams)
        self.workflows = LabelBound(limit: limits.workflows)
    }

    /// The Prometheus text exposition of every series (what `/metrics` serves).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// Counts one finished call.
    /// - Parameters:
    ///   - entry: The priced ledger entry.
    ///   - model: The configured model name (bounded by the configuration; never the provider's free-form model string).
    func record(_ entry: LedgerEntry, model: String) {
        let key = SeriesKey(
            route: entry.route, provider: entry.provider, model: model, status: entry.status.rawValue,
            team: teams.label(entry.attribution.team), workflow: workflows.label(entry.attribution.workflow))
        let s = series.withLock { map -> Series in
            if let s = map[key] { return s }
            let owner = [("team", key.team), ("workflow", key.workflow)]
            let short = [("provider", key.provider), ("model", key.model)] + owner
            let created = Series(
                requests: registry.makeCounter(
                    descriptor: Self.requests,
                    labels: [("route", key.route), ("provider", key.provider), ("model", key.model), ("status", key.status)] + owner),
                cost: registry.makeCounter(descriptor: Self.cost, labels: short),
                unpriced: registry.makeCounter(descriptor: Self.unpriced, labels: short),
                estimated: registry.makeCounter(descriptor: Self.estimated, labels: short),
                rerouted: registry.makeCounter(descriptor: Self.rerouted, labels: [("provider", key.provider), ("model", key.model)]),
                tokens: Self.tokenTypes.map { type in (type, registry.makeCounter(descriptor: Self.tokens, labels: short + [("type", type)])) },
                duration: registry.makeDurationHistogram(
                    descriptor: Self.duration, labels: [("route", key.route), ("provider", key.provider), ("model", key.model)],
                    buckets: Self.buckets),
                ttft: registry.makeDurationHistogram(
                    descriptor: Self.timeToFirstToken, labels: [("route", key.route), ("provider", key.provider), ("model", key.model)],
                    buckets: Self.buckets)
            )
            map[key] = created
            return created
        }
        s.requests.increment()
        if let cost = entry.costNanoUSD {
            s.cost.increment(by: cost)
        } else {
            s.unpriced.increment()
        }
        if entry.pricing == .estimated { s.estimated.increment() }
        // A reroute is governance serving the call with another model than the one asked for; an alias, an
        // `upstream_model` or a dated snapshot in the answer is the configured model, not a reroute.
        if entry.routedFrom != nil, entry.lever == nil { s.rerouted.increment() }
        let usage = entry.usage
        for (type, counter) in s.tokens {
            let count: Int64 =
                switch type {
                case "input": usage.inputUncached
                case "cache_read": usage.cacheRead
                case "cache_write": usage.cacheWrite
                case "output": usage.output
                default: usage.reasoning
                }
            if count > 0 { counter.increment(by: count) }
        }
        // A refusal or a cache hit never reached a provider: its near-zero time would drag the latency quantiles down.
        guard entry.status != .blocked, entry.status != .cached else { return }
        s.duration.recordNanoseconds(entry.durationMs * 1_000_000)
        if let ttft = entry.ttftMs { s.ttft.recordNanoseconds(ttft * 1_000_000) }
    }

    /// Token types of `tollgate_tokens_total`. `output` includes `reasoning`; the input types do not overlap.
    static let tokenTypes = ["input", "cache_read", "cache_write", "output", "reasoning"]

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "requests", unitName: "total",
            helpText: "Calls recorded in the ledger, by status; status=\"blocked\" are governance refusals that never reached a provider.")
    }

    static var cost: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cost_nano_usd", unitName: "total",
            helpText: "Priced cost of recorded calls in nano-USD (1e-9 USD); unpriced calls are not included.")
    }

    static var unpriced: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "unpriced_requests", unitName: "total",
            helpText: "Recorded calls whose model has no price (cost unknown, not zero).")
    }

    static var estimated: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "estimated_requests", unitName: "total",
            helpText: "Recorded calls priced from usage Tollgate estimated (the provider reported none).")
    }

    static var rerouted: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "rerouted_requests", unitName: "total",
            helpText: "Calls governance served with another model than the one requested (a budget downgrade).")
    }

    static var tokens: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "tokens", unitName: "total",
            helpText: "Tokens of recorded calls by type: input (uncached), cache_read, cache_write, output (reasoning included), reasoning.")
    }

    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "request_duration", unitName: "seconds",
            helpText: "Duration of recorded calls that reached a provider (refusals are not included).")
    }

    static var timeToFirstToken: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "time_to_first_token", unitName: "seconds",
            helpText: "Time from admission to the first byte of the provider's response body.")
    }

    /// LLM-sized latency buckets: 50 ms to 2 minutes, plus 5 and 10 minutes for long agent calls.
    static let buckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
        .seconds(8), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]
}

/// Caps the distinct values of one metric label: the first ``limit`` values seen keep their own
/// series; later ones are reported as ``overflow``. Missing values are ``none``.
public final class LabelBound: Sendable {
    /// The label value of calls past the limit.
    public static let overflow = "other"
    /// The label value of calls without a value.
    public static let none = "unattributed"

    /// Distinct values kept.
    public let limit: Int
    private let seen = Mutex<(reserved: Set<String>, others: Set<String>)>(([], []))

    /// Creates a bound of `limit` distinct values.
    public init(limit: Int) {
        self.limit = limit
    }

    /// Keeps a slot for each of `values` (registered workflows, configured teams) whether or not they
    /// were seen yet; values nobody registered share what is left, so junk names cannot push real
    /// ones into ``overflow``.
    public func reserve(_ values: Set<String>) {
        seen.withLock { state in
            state.reserved = Set(values.prefix(limit))
            state.others.subtract(state.reserved)
        }
    }

    /// The label for `value`.
    public func label(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return Self.none }
        return seen.withLock { state in
            if state.reserved.contains(value) || state.others.contains(value) { return value }
            guard state.reserved.count + state.others.count < limit else { return Self.overflow }
            state.others.insert(value)
            return value
        }
    }
}
