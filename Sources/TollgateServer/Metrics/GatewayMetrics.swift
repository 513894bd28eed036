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
                requests: registry.makeCounter(name: "tollgate_requests_total", labels: labels),
                cost: registry.makeCounter(name: "tollgate_cost_nano_usd_total", labels: short),
                unpriced: registry.makeCounter(name: "tollgate_unpriced_requests_total", labels: short),
                inputTokens: registry.makeCounter(name: "tollgate_tokens_total", labels: short + [("type", "input")]),
                cachedTokens: registry.makeCounter(name: "tollgate_tokens_total", labels: short + [("type", "cache_read")]),
                outputTokens: registry.makeCounter(name: "tollgate_tokens_total", labels: short + [("type", "output")]),
                duration: registry.makeDurationHistogram(
                    name: "tollgate_request_duration_seconds", labels: [("route", key.route), ("provider", key.provider)],
                    buckets: Self.buckets)
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

    /// LLM-sized latency buckets: 10 ms to 10 minutes.
    static let buckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(600),
    ]
}
