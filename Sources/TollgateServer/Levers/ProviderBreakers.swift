import Synchronization
import TollgateCore

/// The circuit breakers of every provider, and the fallback rules. Reloaded with the configuration:
/// new breaker settings start every circuit closed.
final class ProviderBreakers: Sendable {
    private struct State: Sendable {
        var configuration: FallbackConfiguration
        var breakers: [String: CircuitBreaker] = [:]
    }

    private let state: Mutex<State>

    /// Breakers and fallbacks with the given settings.
    init(_ configuration: FallbackConfiguration) {
        state = Mutex(State(configuration: configuration))
    }

    /// Puts new settings in force.
    func reload(_ configuration: FallbackConfiguration) {
        state.withLock { state in
            if state.configuration.circuitBreaker != configuration.circuitBreaker { state.breakers = [:] }
            state.configuration = configuration
        }
    }

    /// The fallback rule for a call, if any.
    /// - Parameter facts: Built only when a rule is configured, so calls pay nothing while the lever is off.
    func rule(for facts: @autoclosure () -> RequestFacts) -> FallbackRule? {
        let configuration = state.withLock { $0.configuration }
        return configuration.rules.isEmpty ? nil : configuration.rule(for: facts())
    }

    /// Whether a call to `provider` may be sent now (always, without a breaker).
    func permission(_ provider: String, nowMs: Int64) -> CircuitBreaker.Permission {
        state.withLock { state in
            guard let settings = state.configuration.circuitBreaker else { return .send }
            var breaker = state.breakers[provider] ?? CircuitBreaker(settings: settings)
            let permission = breaker.permission(nowMs: nowMs)
            state.breakers[provider] = breaker
            return permission
        }
    }

    /// Records how a call sent to `provider` ended; returns the circuit's new state when it changed.
    @discardableResult
    func record(_ provider: String, success: Bool, nowMs: Int64) -> CircuitBreaker.State? {
        state.withLock { state in
            guard let settings = state.configuration.circuitBreaker else { return nil }
            var breaker = state.breakers[provider] ?? CircuitBreaker(settings: settings)
            let changed = breaker.record(success: success, nowMs: nowMs)
            state.breakers[provider] = breaker
            return changed
        }
    }

    /// Whether a circuit breaker is configured.
    var isOn: Bool { state.withLock { $0.configuration.circuitBreaker != nil } }

    /// Every provider's circuit that has seen a call, by provider name; empty without a breaker.
    var circuits: [String: CircuitBreaker] {
        state.withLock { $0.configuration.circuitBreaker == nil ? [:] : $0.breakers }
    }
}
