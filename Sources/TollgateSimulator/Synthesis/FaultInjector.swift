import Synchronization
import TollgateCore
import TollgateProviders

/// Decides, request by request, which fault (if any) the simulator injects.
///
/// A fault named by the request (header or directive) wins. With a count `N`, it is injected only on
/// the first `N` requests that carry the same key, then requests are answered normally: that is how
/// retry tests are written. Otherwise the configured ``FaultPlan`` draws from its seeded generator.
public final class FaultInjector: Sendable {
    /// The configured rate-based plan.
    public let plan: FaultPlan

    private struct State {
        var generator: SplitMix64
        var counts: [String: Int] = [:]
    }

    private let state: Mutex<State>
    private let maximumKeys = 100_000

    /// Creates an injector.
    /// - Parameter plan: The rate-based plan for requests that name no fault.
    public init(plan: FaultPlan = .none) {
        self.plan = plan
        state = Mutex(State(generator: SplitMix64(seed: plan.seed)))
    }

    /// Chooses the fault for one request.
    /// - Parameters:
    ///   - requested: The fault the request names (`x-sim-fault` or `fault=`), or `nil`; `none` opts out.
    ///   - count: Inject only on the first `count` requests carrying the key.
    ///   - key: The key that groups requests for `count`; `defaultKey` when absent.
    ///   - defaultKey: The key used when `count` is given without a key (the server uses the prompt's hash).
    /// - Returns: The fault to inject, or `nil` to answer normally.
    /// - Throws: ``SimulationInputError`` when `requested` names an unknown kind.
    public func decide(
        requested: String?,
        count: Int? = nil,
        key: String? = nil,
        defaultKey: @autoclosure () -> String = ""
    ) throws(SimulationInputError) -> FaultKind? {
        if let requested {
            if requested.isEmpty || requested.lowercased() == "none" { return nil }
            guard let kind = FaultKind(name: requested) else {
                let names = FaultKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw SimulationInputError("Unknown simulator fault '\(requested)'; expected one of: none, \(names).")
            }
            guard let count else { return kind }
            let groupKey = key ?? defaultKey()
            let seen = state.withLock { state in
                if state.counts.count >= maximumKeys, state.counts[groupKey] == nil { state.counts.removeAll() }
                let seen = (state.counts[groupKey] ?? 0) + 1
                state.counts[groupKey] = seen
                return seen
            }
            return seen <= count ? kind : nil
        }
        guard !plan.isEmpty else { return nil }
        let draw = state.withLock { $0.generator.nextUnit() }
        return plan.kind(forDraw: draw)
    }

    /// Forgets every fault count, so keys start again from zero.
    public func resetCounts() {
        state.withLock { $0.counts.removeAll() }
    }
}
