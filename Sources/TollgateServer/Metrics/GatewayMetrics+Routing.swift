import Prometheus
import TollgateCore

extension GatewayMetrics {
    /// Counts one routed call: `tollgate_routed_requests_total{rule, model}` (the model that served it) and
    /// what routing saved (`tollgate_routing_saved_nano_usd_total{rule}`) or cost extra
    /// (`tollgate_routing_extra_cost_nano_usd_total{rule}`) against the model asked for. Rules and models
    /// come from the configuration, so the labels are bounded.
    func recordRoute(_ route: RouteDecision, saved: Int64?) {
        let rule = [("rule", route.rule)]
        registry.makeCounter(descriptor: Self.routedRequests, labels: rule + [("model", route.model.name)]).increment()
        guard let saved, saved != 0 else { return }
        let descriptor = saved > 0 ? Self.routingSaved : Self.routingExtraCost
        registry.makeCounter(descriptor: descriptor, labels: rule).increment(by: saved.magnitude > Int64.max ? Int64.max : abs(saved))
    }

    static var routedRequests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "routed_requests", unitName: "total",
            helpText: "Calls a routing rule served with another model than the one asked for, by rule and serving model.")
    }

    static var routingSaved: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "routing_saved_nano_usd", unitName: "total",
            helpText: "What routed calls saved against the model asked for (priced with the same usage), nano-USD.")
    }

    static var routingExtraCost: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "routing_extra_cost_nano_usd", unitName: "total",
            helpText: "What routed calls cost beyond the model asked for (priced with the same usage), nano-USD.")
    }
}
