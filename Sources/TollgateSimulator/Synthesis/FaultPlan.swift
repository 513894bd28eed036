import TollgateProviders

/// Rate-based fault injection from configuration: a probability per ``FaultKind``, drawn from a seeded
/// generator so a run with the same seed and request order injects the same faults.
///
/// Applies to requests that name no fault themselves (a request can opt out with `x-sim-fault: none`).
/// ```swift
/// let plan = FaultPlan(probabilities: [.rateLimit: 0.05, .serverError: 0.01], seed: 42)
/// ```
public struct FaultPlan: Sendable, Hashable {
    /// The probability of each kind per request, in `0...1`; kinds not listed never happen.
    /// If they add up to more than 1 the later kinds (in ``FaultKind/allCases`` order) are starved.
    public var probabilities: [FaultKind: Double]
    /// The seed of the generator that draws faults.
    public var seed: UInt64

    /// No rate-based faults.
    public static let none = FaultPlan()

    /// Creates a plan.
    /// - Parameters:
    ///   - probabilities: The probability of each kind per request, in `0...1`.
    ///   - seed: The seed of the generator that draws faults.
    public init(probabilities: [FaultKind: Double] = [:], seed: UInt64 = 0x7011_6a7e) {
        self.probabilities = probabilities
        self.seed = seed
    }

    /// Whether the plan can never inject a fault.
    public var isEmpty: Bool { !probabilities.values.contains { $0 > 0 } }

    /// The kind selected by a uniform draw `unit` in `0..<1`, walking the kinds in declaration order.
    /// - Parameter unit: A uniformly distributed value in `0..<1`.
    /// - Returns: The kind whose probability band contains `unit`, or `nil`.
    public func kind(forDraw unit: Double) -> FaultKind? {
        var threshold = 0.0
        for kind in FaultKind.allCases {
            guard let probability = probabilities[kind], probability > 0 else { continue }
            threshold += probability
            if unit < threshold { return kind }
        }
        return nil
    }
}
