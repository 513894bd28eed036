public import Prometheus
import Synchronization
import TollgateCore

/// Prometheus metrics for the gateway, on a registry it owns (no process-global bootstrap).
///
/// Labels are bounded: route, provider and model come from the configuration, status from a
/// fixed set. Customers, users, keys and prompts never become labels.
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let series = Mutex<[SeriesKey: Series]>([:])

    private struct SeriesKey: Hashable {
        var route: String
        var provider: String
        var model: String
        var status: String
    }

    private struct Series: Sendable {
        var requests: Counter
        var cost: Counter
        var unpriced: Counter
        var inputTokens: Counter
        var cachedTokens: Counter
        var outputTokens: Counter
        var duration: DurationHistogram
    }

    /// Creates the metrics on `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts one finished call.
    func record(_ entry: LedgerEntry, model: String) {
        let key = SeriesKey(route: entry.route, provider: entry.provider, model: model, status: entry.status.rawValue)
        let s = series.withLock { map -> Series in
            if let s = map[key] { return s }
            let labels = [("route", key.route), ("provider", key.provider), ("model", key.model), ("status", key.status)]
            let short = [("provider", key.provider), ("model", key.model)]
            let created = Series(
                requests: registry.makeCounter(descriptor: Self.requests, labels: labels),
                cost: registry.makeCounter(descriptor: Self.cost, labels: short),
                unpriced: registry.makeCounter(descriptor: Self.unpriced, labels: short),
                inputTokens: registry.makeCounter(descriptor: Self.tokens, labels: short + [("type", "input")]),
                cachedTokens: registry.makeCounter(descriptor: Self.tokens, labels: short + [("type", "cache_read")]),
                outputTokens: registry.makeCounter(descriptor: Self.tokens, labels: short + [("type", "output")]),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.duration, labels: [("route", key.route), ("provider", key.provider)], buckets: Self.buckets)
            )
            map[key] = created
            return created
        }
        s.requests.increment()
        if let cost = entry.costNanoUSD { s.cost.increment(by: cost) } else { s.unpriced.increment() }
        s.inputTokens.increment(by: entry.usage.inputUncached + entry.usage.cacheWrite)
        s.cachedTokens.increment(by: entry.usage.cacheRead)
        s.outputTokens.increment(by: entry.usage.output)
        s.duration.recordNanoseconds(entry.durationMs * 1_000_000)
    }

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "requests", unitName: "total", helpText: "Upstream calls recorded in the ledger.")
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

    static var tokens: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tollgate", metricName: "tokens", unitName: "total", helpText: "Tokens of recorded calls by type.")
    }

    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "request_duration", unitName: "seconds", helpText: "Duration of recorded calls.")
    }

    /// LLM-sized latency buckets: 10 ms to 10 minutes.
    static let buckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(600),
    ]
}
