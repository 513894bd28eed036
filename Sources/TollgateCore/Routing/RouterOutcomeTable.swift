/// The prompts that have an outcome and a cost for every one of a list of models, as a table of correctness
/// and cost: what a routing strategy is scored on.
public struct RouterOutcomeTable: Sendable {
    /// The models, in column order.
    public let models: [String]
    /// The complete examples, in the order given.
    public let examples: [RouterExample]
    /// How many examples were left out because some model had no outcome for them.
    public let skipped: Int
    /// `correct[example][model]`.
    let correct: [[Bool]]
    /// `cost[example][model]`, USD.
    let cost: [[Double]]

    /// Builds the table of `examples` for `models`, keeping the examples every model has an outcome for.
    /// - Parameters:
    ///   - examples: The examples.
    ///   - models: The models (columns).
    public init(examples: [RouterExample], models: [String]) {
        self.models = models
        var kept: [RouterExample] = []
        var correct: [[Bool]] = []
        var cost: [[Double]] = []
        for example in examples {
            let outcomes = models.compactMap { example.outcomes[$0] }
            guard outcomes.count == models.count else { continue }
            kept.append(example)
            correct.append(outcomes.map(\.correct))
            cost.append(outcomes.map(\.costUSD))
        }
        self.examples = kept
        skipped = examples.count - kept.count
        self.correct = correct
        self.cost = cost
    }

    /// The number of complete examples.
    public var count: Int { examples.count }

    /// The score of sending example `i` to model `choices[i]` (a column index).
    /// - Parameter choices: One column index per example.
    public func score(_ choices: [Int]) -> RouterScore {
        guard !choices.isEmpty else { return RouterScore(accuracy: 0, meanCostUSD: 0) }
        var right = 0
        var total = 0.0
        for (i, m) in choices.enumerated() {
            if correct[i][m] { right += 1 }
            total += cost[i][m]
        }
        return RouterScore(accuracy: Double(right) / Double(choices.count), meanCostUSD: total / Double(choices.count))
    }

    /// Sending every example to column `model`.
    public func single(_ model: Int) -> [Int] { [Int](repeating: model, count: count) }

    /// The oracle: for each example the cheapest model that was correct, or when none was, the cheapest model
    /// (counted wrong).
    public func oracle() -> [Int] {
        (0..<count).map { i in
            let columns = models.indices
            let right = columns.filter { correct[i][$0] }
            let pool = right.isEmpty ? Array(columns) : right
            return pool.min { cost[i][$0] < cost[i][$1] || (cost[i][$0] == cost[i][$1] && $0 < $1) }!
        }
    }

    /// The column of the single model with the highest accuracy (ties: the cheaper).
    public func mostAccurate() -> Int {
        let scores = models.indices.map { score(single($0)) }
        return models.indices.min { a, b in
            scores[a].accuracy > scores[b].accuracy || (scores[a].accuracy == scores[b].accuracy && scores[a].meanCostUSD < scores[b].meanCostUSD)
        }!
    }

    /// The column of the single model with the lowest mean cost (ties: the more accurate).
    public func cheapest() -> Int {
        let scores = models.indices.map { score(single($0)) }
        return models.indices.min { a, b in
            scores[a].meanCostUSD < scores[b].meanCostUSD
                || (scores[a].meanCostUSD == scores[b].meanCostUSD && scores[a].accuracy > scores[b].accuracy)
        }!
    }
}
