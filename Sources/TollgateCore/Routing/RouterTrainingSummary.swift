/// The accuracy a router's threshold must reach on held-out prompts.
public enum RouterTarget: Sendable, Hashable {
    /// An accuracy, from 0 to 1 (`0.88`).
    case absolute(Double)
    /// A fraction of the best single model's held-out accuracy (`0.98`: within 2% of it).
    case relative(Double)

    /// The default: 98% of the best single model's held-out accuracy.
    public static let standard = RouterTarget.relative(0.98)

    /// `absolute` or `relative`.
    public var kind: String {
        switch self {
        case .absolute: "absolute"
        case .relative: "relative"
        }
    }

    /// The number given (an accuracy or a fraction).
    public var value: Double {
        switch self {
        case .absolute(let value), .relative(let value): value
        }
    }

    /// The accuracy this target asks for when the best single model reaches `best`.
    /// - Parameter best: The best single model's held-out accuracy.
    public func requiredAccuracy(best: Double) -> Double {
        switch self {
        case .absolute(let value): value
        case .relative(let value): value * best
        }
    }
}

/// One strategy's figures on a set of prompts: accuracy and mean cost per call.
public struct RouterScore: Sendable, Hashable {
    /// The share of prompts answered correctly.
    public var accuracy: Double
    /// The mean cost per call, in USD.
    public var meanCostUSD: Double

    /// Creates a score.
    /// - Parameters:
    ///   - accuracy: The share answered correctly.
    ///   - meanCostUSD: The mean cost per call, in USD.
    public init(accuracy: Double, meanCostUSD: Double) {
        self.accuracy = accuracy
        self.meanCostUSD = meanCostUSD
    }
}

/// How a router was trained, and how its threshold did on the held-out prompts.
///
/// The weights in the file were refitted on every prompt after the threshold was chosen, so the held-out
/// figures describe the threshold (chosen with weights fitted on the other prompts), not the stored weights.
public struct RouterTrainingSummary: Sendable, Hashable {
    /// The prompts given (after merging rows of the same sample).
    public var rows: Int
    /// The share of prompts held out to choose the threshold.
    public var holdout: Double
    /// The held-out prompts that had an outcome and cost for every model (the ones scored).
    public var heldOutRows: Int
    /// The L2 regularisation strength.
    public var l2: Double
    /// The most optimiser iterations per model.
    public var maxIterations: Int
    /// The fewest training prompts a bucket had to occur in to be learnt.
    public var minPrompts: Int
    /// The accuracy target.
    public var target: RouterTarget
    /// The held-out accuracy the target asks for.
    public var requiredAccuracy: Double
    /// Whether a threshold reached it (if not, the most accurate threshold was chosen).
    public var targetMet: Bool
    /// The chosen threshold's held-out figures.
    public var heldOut: RouterScore
    /// The single model most accurate on the held-out prompts.
    public var bestModel: String
    /// Its held-out figures.
    public var bestModelScore: RouterScore
    /// The oracle's held-out figures: the cheapest correct model for every prompt.
    public var oracle: RouterScore

    /// Creates a summary.
    public init(
        rows: Int, holdout: Double, heldOutRows: Int, l2: Double, maxIterations: Int, minPrompts: Int, target: RouterTarget, requiredAccuracy: Double,
        targetMet: Bool, heldOut: RouterScore, bestModel: String, bestModelScore: RouterScore, oracle: RouterScore
    ) {
        self.rows = rows
        self.holdout = holdout
        self.heldOutRows = heldOutRows
        self.l2 = l2
        self.maxIterations = maxIterations
        self.minPrompts = minPrompts
        self.target = target
        self.requiredAccuracy = requiredAccuracy
        self.targetMet = targetMet
        self.heldOut = heldOut
        self.bestModel = bestModel
        self.bestModelScore = bestModelScore
        self.oracle = oracle
    }
}
