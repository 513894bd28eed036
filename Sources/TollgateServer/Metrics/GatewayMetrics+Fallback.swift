import Prometheus
import TollgateCore

extension GatewayMetrics {
    /// Counts a fallback: `tollgate_fallbacks_total{rule, from, to}` (rules and models come from the
    /// configuration, so the labels are bounded).
    func recordFallback(rule: String, from: String, to: String) {
        registry.makeCounter(descriptor: Self.fallbacks, labels: [("rule", rule), ("from", from), ("to", to)]).increment()
    }

    /// Sets a provider's circuit gauge (`tollgate_circuit_state{provider}`: 0 closed, 1 half-open, 2 open)
    /// and counts the change (`tollgate_circuit_transitions_total{provider, state}`).
    func recordCircuit(_ provider: String, state: CircuitBreaker.State) {
        registry.makeGauge(descriptor: Self.circuitState, labels: [("provider", provider)]).set(Double(state.gauge))
        registry.makeCounter(descriptor: Self.circuitTransitions, labels: [("provider", provider), ("state", state.rawValue)]).increment()
    }

    /// Counts a call not sent to a provider because its circuit was open.
    func recordCircuitRefusal(_ provider: String) {
        registry.makeCounter(descriptor: Self.circuitRefusals, labels: [("provider", provider)]).increment()
    }

    static var fallbacks: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "fallbacks", unitName: "total",
            helpText: "Calls sent to a fallback model because the previous one could not serve them, by rule and models.")
    }

    static var circuitState: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "circuit", unitName: "state",
            helpText: "Each provider's circuit breaker: 0 closed, 1 half-open (one probe out), 2 open (calls not sent).")
    }

    static var circuitTransitions: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "circuit_transitions", unitName: "total",
            helpText: "Changes of a provider's circuit breaker, by the state it entered.")
    }

    static var circuitRefusals: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "circuit_skipped_requests", unitName: "total",
            helpText: "Calls not sent to a provider because its circuit was open (served by a fallback, or answered 503).")
    }
}
