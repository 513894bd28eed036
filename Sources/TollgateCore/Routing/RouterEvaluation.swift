/// How routing strategies do on a set of prompts: each single model, the oracle, always-cheapest,
/// always-most-accurate, and a learned router at several thresholds.
public struct RouterEvaluation: Sendable, Hashable {
    /// What a row measures.
    public enum Kind: String, Sendable, Hashable {
        /// One model for every prompt.
        case model
        /// The cheapest correct model for every prompt (wrong, at the cheapest cost, when none was correct).
        case oracle
        /// The model with the lowest mean cost, for every prompt.
        case alwaysCheapest = "always-cheapest"
        /// The model with the highest accuracy, for every prompt.
        case alwaysMostAccurate = "always-most-accurate"
        /// The learned router at a threshold.
        case router
    }

    /// One strategy's figures.
    public struct Row: Sendable, Hashable {
        /// The strategy, as shown (`gpt-4-1106-preview`, `oracle`, `router @ 0.80`).
        public var name: String
        /// What it is.
        public var kind: Kind
        /// The router's threshold (`nil` for other rows and for per-fold chosen thresholds).
        public var threshold: Double?
        /// Accuracy and mean cost per call.
        public var score: RouterScore
        /// The share of calls sent to each model, in ``RouterEvaluation/models`` order.
        public var shares: [Double]
    }

    /// The models, in column order.
    public var models: [String]
    /// The strategies: the single models, then the oracle, always-cheapest, always-most-accurate, the router rows.
    public var rows: [Row]
    /// The prompts scored (those with an outcome and a cost for every model).
    public var prompts: Int
    /// The prompts left out because a model had no outcome for them.
    public var skipped: Int
    /// The number of cross-validation folds, or `nil` when a trained router was evaluated as is.
    public var folds: Int?
    /// The thresholds the router chose: its own, or one per fold.
    public var chosenThresholds: [Double]

    /// The default thresholds evaluated besides the router's own.
    public static let defaultThresholds = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
    /// The salt of the fold assignment's hash (independent of the held-out split's).
    public static let foldSalt: UInt64 = 0x666F_6C64_7321_2121

    /// The total cost of a row's calls, in USD.
    public func totalCostUSD(_ row: Row) -> Double { row.score.meanCostUSD * Double(prompts) }

    /// The most accurate single model's row: the reference for cost shares.
    public var reference: Row? { rows.first { $0.kind == .alwaysMostAccurate } }

    /// A row's mean cost as a fraction of the most accurate single model's.
    public func costShare(_ row: Row) -> Double? {
        guard let reference, reference.score.meanCostUSD > 0 else { return nil }
        return row.score.meanCostUSD / reference.score.meanCostUSD
    }

    /// Evaluates a trained router as it is, at its own threshold and at `thresholds`.
    /// - Parameters:
    ///   - router: The router.
    ///   - examples: The prompts to score (those missing an outcome for one of the router's models are skipped).
    ///   - thresholds: More thresholds to show.
    public static func evaluate(_ router: LearnedRouter, examples: [RouterExample], thresholds: [Double] = defaultThresholds) -> RouterEvaluation {
        let table = RouterOutcomeTable(examples: examples, models: router.modelNames)
        var evaluation = baselines(table)
        let points = RouterTrainer.sweep(router, table: table, thresholds: [router.threshold] + thresholds)
        for (i, point) in points.enumerated() {
            let name = i == 0 ? "router @ \(label(point.threshold)) (file)" : "router @ \(label(point.threshold))"
            evaluation.rows.append(Row(name: name, kind: .router, threshold: point.threshold, score: point.score, shares: point.shares))
        }
        evaluation.chosenThresholds = [router.threshold]
        return evaluation
    }

    /// The rows every evaluation has: each model, the oracle, always-cheapest and always-most-accurate.
    static func baselines(_ table: RouterOutcomeTable) -> RouterEvaluation {
        var rows: [Row] = []
        func row(_ name: String, _ kind: Kind, _ choices: [Int]) -> Row {
            Row(
                name: name, kind: kind, threshold: nil, score: table.score(choices), shares: RouterTrainer.shares(choices, models: table.models.count)
            )
        }
        for (m, model) in table.models.enumerated() { rows.append(row(model, .model, table.single(m))) }
        guard table.count > 0 else {
            return RouterEvaluation(models: table.models, rows: rows, prompts: 0, skipped: table.skipped, folds: nil, chosenThresholds: [])
        }
        rows.append(row("oracle", .oracle, table.oracle()))
        let cheapest = table.cheapest()
        rows.append(row("always cheapest (\(table.models[cheapest]))", .alwaysCheapest, table.single(cheapest)))
        let best = table.mostAccurate()
        rows.append(row("always most accurate (\(table.models[best]))", .alwaysMostAccurate, table.single(best)))
        return RouterEvaluation(models: table.models, rows: rows, prompts: table.count, skipped: table.skipped, folds: nil, chosenThresholds: [])
    }

    /// A threshold with two decimals: `0.8` → `0.80`.
    public static func label(_ threshold: Double) -> String {
        let hundredths = Int((threshold * 100).rounded())
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100)." + String(repeating: "0", count: 2 - fraction.count) + fraction
    }
}
