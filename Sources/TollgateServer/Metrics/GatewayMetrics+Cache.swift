import Prometheus
import TollgateCore
import TollgateProviders

extension GatewayMetrics {
    /// Counts one cache decision for a call a rule covers: `tollgate_cache_requests_total{rule, result}`
    /// and, on a hit, what it saved. Rule names come from the configuration, so the labels are bounded.
    func recordCache(_ lookup: CacheLookup, saved: Int64?) {
        let rule = [("rule", lookup.rule.name)]
        registry.makeCounter(descriptor: Self.cacheRequests, labels: rule + [("result", lookup.result.rawValue)]).increment()
        if let saved, saved > 0 { registry.makeCounter(descriptor: Self.cacheSaved, labels: rule).increment(by: saved) }
    }

    /// Sets the cache gauges from the store (at each scrape): answers held, their bytes, the capacity,
    /// and the answers dropped to make room or because they expired.
    func updateCache(_ store: ResponseCacheStore) {
        let statistics = store.statistics
        registry.makeGauge(descriptor: Self.cacheEntries).set(Double(statistics.entries))
        registry.makeGauge(descriptor: Self.cacheBytes).set(Double(statistics.bytes))
        registry.makeGauge(descriptor: Self.cacheCapacity).set(Double(store.capacityBytes))
        registry.makeGauge(descriptor: Self.cacheEvictions).set(Double(statistics.evictions))
        registry.makeGauge(descriptor: Self.cacheExpirations).set(Double(statistics.expirations))
    }

    static var cacheRequests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache_requests", unitName: "total",
            helpText: "Calls a response cache rule covers, by rule and result (hit, miss, bypass).")
    }

    static var cacheSaved: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache_saved_nano_usd", unitName: "total",
            helpText: "What cache hits saved: the answers' original calls priced at the hits' dates, nano-USD.")
    }

    static var cacheEntries: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tollgate", metricName: "cache", unitName: "entries", helpText: "Answers the response cache holds.")
    }

    static var cacheBytes: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache", unitName: "bytes", helpText: "Bytes the response cache's answers count for.")
    }

    static var cacheCapacity: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache_capacity", unitName: "bytes",
            helpText: "The response cache's capacity (levers.cache.max_bytes).")
    }

    static var cacheEvictions: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache_evicted", unitName: "entries",
            helpText: "Answers dropped to make room since the store was created.")
    }

    static var cacheExpirations: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "cache_expired", unitName: "entries", helpText: "Expired answers dropped since the store was created.")
    }
}
