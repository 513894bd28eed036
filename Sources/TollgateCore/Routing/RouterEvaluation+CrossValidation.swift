extension RouterEvaluation {
    /// The cross-validation fold of `example` among `folds` (by a hash of its sample ID, the same on every machine).
    public static func fold(of example: RouterExample, folds: Int) -> Int {
        min(folds - 1, Int(example.unitHash(salt: foldSalt) * Double(folds)))
    }

    /// Out-of-fold figures: for each of `folds` folds, trains a router (threshold selection included) on the other
    /// folds and routes the fold's prompts with it, so no prompt is routed by a router that saw it.
    ///
    /// The single-model, oracle, always-cheapest and always-most-accurate rows need no training and are computed
    /// on all scored prompts. The router rows are the threshold each fold's training chose, then `thresholds`.
    /// - Parameters:
    ///   - examples: The prompts (one per sample ID).
    ///   - folds: The number of folds, at least 2.
    ///   - options: How each fold's router is trained.
    ///   - thresholds: The fixed thresholds to show.
    ///   - progress: Told before each model of each fold is fitted (the stage names the fold).
    /// - Throws: ``RouterTrainingError`` when a fold cannot be trained.
    public static func crossValidate(
        _ examples: [RouterExample], folds: Int, options: RouterTrainingOptions = RouterTrainingOptions(),
        thresholds: [Double] = defaultThresholds, progress: (RouterTrainingProgress) -> Void = { _ in }
    ) throws(RouterTrainingError) -> RouterEvaluation {
        guard folds >= 2 else { throw RouterTrainingError("cross-validation needs at least 2 folds, got \(folds)") }
        var options = options
        let models = try RouterTrainer.models(examples, options: options)
        options.models = models
        let table = RouterOutcomeTable(examples: examples, models: models)
        guard table.count > 0 else {
            throw RouterTrainingError("no prompt has an outcome and a cost for every model (\(models.joined(separator: ", ")))")
        }
        let testFold = table.examples.map { fold(of: $0, folds: folds) }
        // choices[t][i]: the model prompt i goes to at threshold t (t = 0: the fold's chosen threshold).
        var choices = [[Int]](repeating: [Int](repeating: 0, count: table.count), count: thresholds.count + 1)
        var chosen: [Double] = []
        for k in 0..<folds {
            let training = examples.filter { fold(of: $0, folds: folds) != k }
            let router = try RouterTrainer.train(training, options: options) { step in
                var step = step
                step.stage = "fold \(k + 1)/\(folds): \(step.stage)"
                progress(step)
            }
            chosen.append(router.threshold)
            for i in table.examples.indices where testFold[i] == k {
                let probabilities = router.probabilities(text: table.examples[i].text)
                for (t, threshold) in ([router.threshold] + thresholds).enumerated() {
                    choices[t][i] = router.choose(probabilities, threshold: threshold)!
                }
            }
        }
        var evaluation = baselines(table)
        evaluation.folds = folds
        evaluation.chosenThresholds = chosen
        for (t, picks) in choices.enumerated() {
            let threshold: Double? = t == 0 ? nil : thresholds[t - 1]
            let name = threshold.map { "router @ \(label($0))" } ?? "router @ chosen (\(chosen.map(label).joined(separator: ", ")))"
            evaluation.rows.append(
                Row(
                    name: name, kind: .router, threshold: threshold, score: table.score(picks),
                    shares: RouterTrainer.shares(picks, models: models.count)))
        }
        return evaluation
    }
}
