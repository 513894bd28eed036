import Prometheus

extension GatewayMetrics {
    /// Counts what a context budget did to a call over its budget (`tollgate_context_requests_total{rule, result}`:
    /// `compacted`, `over_budget`, `unreadable`) and the input tokens it removed
    /// (`tollgate_context_removed_tokens_total{rule}`). Rule names come from the configuration.
    func recordContext(rule: String, result: String, removed: Int64) {
        registry.makeCounter(descriptor: Self.contextRequests, labels: [("rule", rule), ("result", result)]).increment()
        if removed > 0 { registry.makeCounter(descriptor: Self.contextRemoved, labels: [("rule", rule)]).increment(by: removed) }
    }

    static var contextRequests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "context_requests", unitName: "total",
            helpText: "Calls over their context budget, by rule and result (compacted, over_budget, unreadable).")
    }

    static var contextRemoved: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "context_removed_tokens", unitName: "total",
            helpText: "Estimated input tokens context budgets removed from calls before they were sent.")
    }
}
