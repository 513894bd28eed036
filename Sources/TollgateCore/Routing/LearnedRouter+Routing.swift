/// A router's choice for one prompt.
public struct RouterDecision: Sendable, Hashable {
    /// One model considered, with its predicted probability of answering correctly.
    public struct Candidate: Sendable, Hashable {
        /// The model's name.
        public var model: String
        /// The predicted probability that it answers correctly.
        public var probability: Double
        /// Its mean cost per call in the training data, in USD.
        public var meanCostUSD: Double
    }

    /// The chosen model.
    public var model: String
    /// The chosen model's predicted probability of answering correctly.
    public var probability: Double
    /// The threshold the decision was made with.
    public var threshold: Double
    /// Whether the chosen model met the threshold (`false`: none did, so the most probable one was chosen).
    public var metThreshold: Bool
    /// Every model considered, cheapest first.
    public var candidates: [Candidate]
}

extension LearnedRouter {
    /// The model `text` should go to: the cheapest whose predicted probability of a correct answer is at least
    /// ``threshold``, or when none is, the most probable (ties: the more accurate in training, then the cheaper).
    /// - Parameter text: The prompt (only the first ``RouterFeatureSettings/maxBytes`` bytes are read).
    /// - Returns: The decision, with every model's probability.
    public func route(text: String) -> RouterDecision {
        decision(probabilities(text: text), allowed: nil)!
    }

    /// The model `text` should go to among `allowed` only (a key's allowed models, the ones whose circuit is
    /// closed), chosen as ``route(text:)`` chooses.
    /// - Parameters:
    ///   - text: The prompt.
    ///   - allowed: The names of the models that may be chosen; names the router does not know are ignored.
    /// - Returns: The decision over the allowed models, or `nil` when none of them is in the router.
    public func route(text: String, allowed: Set<String>) -> RouterDecision? {
        let mask = models.map { allowed.contains($0.name) }
        guard mask.contains(true) else { return nil }
        return decision(probabilities(text: text), allowed: mask)
    }

    /// The decision for given probabilities (``models`` order) at ``threshold``.
    func decision(_ probabilities: [Double], allowed: [Bool]?) -> RouterDecision? {
        guard let chosen = choose(probabilities, threshold: threshold, allowed: allowed) else { return nil }
        let candidates = costOrder.filter { allowed?[$0] ?? true }.map {
            RouterDecision.Candidate(model: models[$0].name, probability: probabilities[$0], meanCostUSD: models[$0].meanCostUSD)
        }
        return RouterDecision(
            model: models[chosen].name, probability: probabilities[chosen], threshold: threshold,
            metThreshold: probabilities[chosen] >= threshold, candidates: candidates)
    }

    /// The index of the model chosen at `threshold` among the `allowed` ones (all when `nil`).
    /// - Returns: The model's index in ``models``, or `nil` when no model is allowed.
    func choose(_ probabilities: [Double], threshold: Double, allowed: [Bool]? = nil) -> Int? {
        var best: Int?
        for m in costOrder where allowed?[m] ?? true {
            if probabilities[m] >= threshold { return m }
            guard let current = best else {
                best = m
                continue
            }
            if probabilities[m] > probabilities[current]
                || (probabilities[m] == probabilities[current] && models[m].accuracy > models[current].accuracy)
            {
                best = m
            }
        }
        return best
    }
}
