/// A router's figures at one threshold.
public struct RouterThresholdPoint: Sendable, Hashable {
    /// The threshold.
    public var threshold: Double
    /// Accuracy and mean cost per call.
    public var score: RouterScore
    /// The share of calls sent to each model, in the router's ``LearnedRouter/models`` order.
    public var shares: [Double]
}

extension RouterTrainer {
    /// The chosen threshold, its held-out score, the accuracy asked for and whether it was reached.
    struct ThresholdSelection {
        var threshold: Double
        var score: RouterScore
        var required: Double
        var met: Bool
    }

    /// Scores `router` at each of `thresholds` on `table` (whose columns must be the router's models, in order).
    /// - Parameters:
    ///   - router: The router.
    ///   - table: The prompts to score on, with the router's models as columns.
    ///   - thresholds: The thresholds to try.
    /// - Returns: One point per threshold, in the order given.
    public static func sweep(_ router: LearnedRouter, table: RouterOutcomeTable, thresholds: [Double]) -> [RouterThresholdPoint] {
        precondition(table.models == router.modelNames, "the table's columns must be the router's models")
        let probabilities = table.examples.map { router.probabilities(text: $0.text) }
        return thresholds.map { threshold in
            let choices = probabilities.map { router.choose($0, threshold: threshold)! }
            return RouterThresholdPoint(threshold: threshold, score: table.score(choices), shares: shares(choices, models: router.models.count))
        }
    }

    /// The share of `choices` that are each of `models` columns.
    static func shares(_ choices: [Int], models: Int) -> [Double] {
        var counts = [Int](repeating: 0, count: models)
        for choice in choices { counts[choice] += 1 }
        return counts.map { Double($0) / Double(max(1, choices.count)) }
    }

    /// The cheapest threshold of ``thresholdGrid`` whose accuracy on `table` meets `target` (ties: the more
    /// accurate, then the higher threshold); when none does, the most accurate (ties: the cheaper, then higher).
    static func selectThreshold(_ router: LearnedRouter, table: RouterOutcomeTable, target: RouterTarget) -> ThresholdSelection {
        let best = table.score(table.single(table.mostAccurate())).accuracy
        let required = target.requiredAccuracy(best: best)
        let points = sweep(router, table: table, thresholds: thresholdGrid)
        let meeting = points.filter { $0.score.accuracy >= required - 1e-12 }
        let chosen: RouterThresholdPoint
        if meeting.isEmpty {
            chosen = points.max { a, b in
                a.score.accuracy != b.score.accuracy
                    ? a.score.accuracy < b.score.accuracy
                    : a.score.meanCostUSD != b.score.meanCostUSD ? a.score.meanCostUSD > b.score.meanCostUSD : a.threshold < b.threshold
            }!
        } else {
            chosen = meeting.max { a, b in
                a.score.meanCostUSD != b.score.meanCostUSD
                    ? a.score.meanCostUSD > b.score.meanCostUSD
                    : a.score.accuracy != b.score.accuracy ? a.score.accuracy < b.score.accuracy : a.threshold < b.threshold
            }!
        }
        return ThresholdSelection(threshold: chosen.threshold, score: chosen.score, required: required, met: !meeting.isEmpty)
    }
}
