/// How ``RouterTrainer`` trains a router.
public struct RouterTrainingOptions: Sendable, Hashable {
    /// How prompts become features.
    public var features: RouterFeatureSettings
    /// The L2 regularisation strength λ (mean log loss + λ/2 ‖w‖²).
    public var l2: Double
    /// The most L-BFGS iterations per model.
    public var maxIterations: Int
    /// The share of prompts (chosen by a hash of the sample ID) held out to choose the threshold, in `(0, 1)`.
    public var holdout: Double
    /// The accuracy the threshold must reach on the held-out prompts.
    public var target: RouterTarget
    /// The models to train, in this order; `nil`: every model in the data, in order of first appearance.
    public var models: [String]?
    /// A bucket is learnt only when it occurs in at least this many training prompts (rarer ones weigh 0).
    public var minPrompts: Int
    /// Weights smaller than this in magnitude are dropped from the file.
    public var pruneBelow: Float
    /// Significant decimal digits kept of each weight (1 to 9; 9 keeps every `Float`).
    public var weightDigits: Int

    /// The defaults: 2^16 buckets of words and word pairs, λ = 1e-4, 200 iterations, 20% held out, 98% of the
    /// best single model's held-out accuracy, buckets seen in fewer than 5 prompts not learnt, weights kept to 4
    /// significant digits and dropped below 1e-6 (measured in docs/router.md).
    public init(
        features: RouterFeatureSettings = RouterFeatureSettings(), l2: Double = 1e-4, maxIterations: Int = 200, holdout: Double = 0.2,
        target: RouterTarget = .standard, models: [String]? = nil, minPrompts: Int = 5, pruneBelow: Float = 1e-6,
        weightDigits: Int = 4
    ) {
        self.features = features
        self.l2 = l2
        self.maxIterations = maxIterations
        self.holdout = holdout
        self.target = target
        self.models = models
        self.minPrompts = minPrompts
        self.pruneBelow = pruneBelow
        self.weightDigits = weightDigits
    }
}

/// Where training is: which model of which step is being fitted.
public struct RouterTrainingProgress: Sendable, Hashable {
    /// `fit on the training part`, `refit on all rows`, or the caller's own label.
    public var stage: String
    /// The model being fitted.
    public var model: String
    /// Its position, from 1.
    public var index: Int
    /// The number of models.
    public var count: Int
}

/// Why a router cannot be trained from the examples given.
public struct RouterTrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Trains ``LearnedRouter``s from ``RouterExample``s: a logistic regression per model, then a threshold chosen on
/// held-out prompts.
public enum RouterTrainer {
    /// The thresholds tried on the held-out prompts: 0, 0.01, …, 1.
    public static let thresholdGrid: [Double] = (0...100).map { Double($0) / 100 }
    /// The salt of the held-out split's hash (``RouterExample/unitHash(salt:)``).
    public static let holdoutSalt: UInt64 = 0x686F_6C64_6F75_7421

    /// Trains a router: fits every model on the prompts not held out, chooses the cheapest threshold whose
    /// held-out accuracy meets `options.target` (or the most accurate one when none does), then refits every
    /// model on all prompts and stores that threshold.
    /// - Parameters:
    ///   - examples: The training prompts (one per sample ID; see ``RouterExample/merged(_:)``).
    ///   - options: How to train.
    ///   - progress: Told before each model is fitted.
    /// - Returns: The router, with its ``RouterTrainingSummary``.
    /// - Throws: ``RouterTrainingError`` when there are no examples, a model has no outcome, the held-out share is
    ///   not in `(0, 1)`, or either part of the split is empty.
    public static func train(
        _ examples: [RouterExample], options: RouterTrainingOptions = RouterTrainingOptions(),
        progress: (RouterTrainingProgress) -> Void = { _ in }
    ) throws(RouterTrainingError) -> LearnedRouter {
        guard options.holdout > 0 && options.holdout < 1 else {
            throw RouterTrainingError("the held-out share must be between 0 and 1 (exclusive), got \(options.holdout)")
        }
        let models = try self.models(examples, options: options)
        var options = options
        options.models = models
        let heldOut = examples.filter { $0.unitHash(salt: holdoutSalt) < options.holdout }
        let trainPart = examples.filter { $0.unitHash(salt: holdoutSalt) >= options.holdout }
        let table = RouterOutcomeTable(examples: heldOut, models: models)
        guard !trainPart.isEmpty, table.count > 0 else {
            throw RouterTrainingError(
                "holding out \(options.holdout) of \(examples.count) prompts leaves \(trainPart.count) to train on and \(table.count) "
                    + "complete ones (an outcome for every model) to choose the threshold on; give more rows or change --holdout")
        }
        let first = try fit(trainPart, options: options, threshold: 0.5, stage: "fit on the training part", progress: progress)
        let selection = selectThreshold(first, table: table, target: options.target)
        let best = table.mostAccurate()
        let summary = RouterTrainingSummary(
            rows: examples.count, holdout: options.holdout, heldOutRows: table.count, l2: options.l2, maxIterations: options.maxIterations,
            minPrompts: options.minPrompts, target: options.target, requiredAccuracy: selection.required, targetMet: selection.met,
            heldOut: selection.score,
            bestModel: models[best], bestModelScore: table.score(table.single(best)), oracle: table.score(table.oracle()))
        return try fit(examples, options: options, threshold: selection.threshold, training: summary, stage: "refit on all rows", progress: progress)
    }

    /// Fits every model on `examples` and returns a router with the given threshold (no threshold selection).
    /// - Parameters:
    ///   - examples: The training prompts.
    ///   - options: How to fit (`holdout` and `target` are not used).
    ///   - threshold: The router's threshold.
    ///   - training: The summary to store, if any.
    ///   - stage: The label given to `progress`.
    ///   - progress: Told before each model is fitted.
    /// - Throws: ``RouterTrainingError`` when there are no examples or a model has no outcome in them.
    public static func fit(
        _ examples: [RouterExample], options: RouterTrainingOptions, threshold: Double, training: RouterTrainingSummary? = nil,
        stage: String = "fit", progress: (RouterTrainingProgress) -> Void = { _ in }
    ) throws(RouterTrainingError) -> LearnedRouter {
        let names = try models(examples, options: options)
        let matrix = SparseRows(
            examples.map { options.features.features(of: $0.text) }, minRows: options.minPrompts, alwaysFrom: Int32(options.features.buckets))
        let regression = LogisticRegression(l2: options.l2, maxIterations: options.maxIterations)
        var models: [LearnedRouter.Model] = []
        for (m, name) in names.enumerated() {
            progress(RouterTrainingProgress(stage: stage, model: name, index: m + 1, count: names.count))
            let rows = examples.indices.filter { examples[$0].outcomes[name] != nil }
            let outcomes = rows.map { examples[$0].outcomes[name]! }
            let result = regression.fit(matrix, rows: rows, labels: outcomes.map(\.correct))
            var weights = RouterWeights()
            for (column, weight) in result.weights.enumerated() {
                let value = Self.rounded(weight, digits: options.weightDigits)
                guard abs(value) >= options.pruneBelow else { continue }
                weights.indices.append(matrix.features[column])
                weights.values.append(value)
            }
            let correct = outcomes.filter(\.correct).count
            models.append(
                LearnedRouter.Model(
                    name: name, meanCostUSD: outcomes.map(\.costUSD).reduce(0, +) / Double(outcomes.count),
                    accuracy: Double(correct) / Double(outcomes.count), rows: outcomes.count, bias: result.bias, weights: weights))
        }
        do {
            return try LearnedRouter(features: options.features, models: models, threshold: threshold, training: training)
        } catch {
            throw RouterTrainingError("the trained router is not valid: \(error)")
        }
    }

    /// `value` rounded to `digits` significant decimal digits, as a `Float` (so the file holds short numbers).
    static func rounded(_ value: Double, digits: Int) -> Float {
        guard value != 0, value.isFinite, digits < 9 else { return Float(value) }
        var scale = 1.0
        var magnitude = abs(value)
        var shift = digits - 1
        while magnitude >= 10 {
            magnitude /= 10
            shift -= 1
        }
        while magnitude < 1 {
            magnitude *= 10
            shift += 1
        }
        for _ in 0..<abs(shift) { scale *= 10 }
        return Float(shift >= 0 ? (value * scale).rounded() / scale : (value / scale).rounded() * scale)
    }

    /// The models to train: `options.models` (each must have an outcome), or every model in the data.
    static func models(_ examples: [RouterExample], options: RouterTrainingOptions) throws(RouterTrainingError) -> [String] {
        guard !examples.isEmpty else { throw RouterTrainingError("there are no training rows") }
        let present = RouterExample.models(in: examples)
        guard let wanted = options.models else { return present }
        guard !wanted.isEmpty else { throw RouterTrainingError("no models were asked for") }
        guard Set(wanted).count == wanted.count else { throw RouterTrainingError("a model is asked for twice") }
        for model in wanted where !present.contains(model) {
            throw RouterTrainingError("model '\(model)' has no outcome in the data (models: \(present.joined(separator: ", ")))")
        }
        return wanted
    }
}
