/// A learned model router: per model, a logistic regression predicting whether that model answers a prompt
/// correctly, and a threshold that turns the predictions into a choice.
///
/// ``route(text:)`` sends a prompt to the cheapest model (by mean cost per call in the training data) whose
/// predicted probability of a correct answer is at least ``threshold``; when none is, to the model with the
/// highest probability (ties: the one more accurate in the training data). Routing is pure and takes a few
/// microseconds; the same router gives the same probabilities on every machine (see ``PortableMath``).
///
/// ```swift
/// let router = try LearnedRouter(json: Array(fileContents))
/// let decision = router.route(text: prompt)
/// print(decision.model, decision.probability)
/// ```
///
/// Train one with ``RouterTrainer/train(_:options:progress:)``; store it with ``jsonBytes()``.
public struct LearnedRouter: Sendable {
    /// One candidate model.
    public struct Model: Sendable, Hashable {
        /// The model's name, as in the training data.
        public var name: String
        /// Its mean cost per call in the training data, in USD: the order in which models are tried.
        public var meanCostUSD: Double
        /// The share of its training answers that were correct (breaks ties between equal probabilities).
        public var accuracy: Double
        /// How many training prompts had an outcome for it.
        public var rows: Int
        /// The logistic regression's intercept.
        public var bias: Double
        /// The logistic regression's weights: feature index → weight, sparse (absent features weigh 0).
        public var weights: RouterWeights

        /// Creates a model.
        /// - Parameters:
        ///   - name: The model's name.
        ///   - meanCostUSD: Its mean cost per call, in USD.
        ///   - accuracy: The share of its training answers that were correct.
        ///   - rows: How many training prompts had an outcome for it.
        ///   - bias: The intercept.
        ///   - weights: The sparse weights, by feature index.
        public init(name: String, meanCostUSD: Double, accuracy: Double, rows: Int, bias: Double, weights: RouterWeights) {
            self.name = name
            self.meanCostUSD = meanCostUSD
            self.accuracy = accuracy
            self.rows = rows
            self.bias = bias
            self.weights = weights
        }
    }

    /// How prompts become features.
    public let features: RouterFeatureSettings
    /// The candidate models, in the order they were given (not the cost order).
    public let models: [Model]
    /// The least predicted probability of a correct answer a model needs to be chosen.
    public let threshold: Double
    /// How the router was trained and what it achieved on held-out data; `nil` for a router built by hand.
    public let training: RouterTrainingSummary?
    /// `sha256:` and the SHA-256 of the features and models as ``jsonBytes()`` writes them (threshold and
    /// training summary excluded): the same weights give the same fingerprint.
    public let fingerprint: String

    /// Model indices by mean cost ascending (then accuracy descending, then name).
    let costOrder: [Int]
    /// For each feature, its row in ``table``, or -1 when no model weighs it (most buckets): the rows that
    /// exist stay small enough for the CPU cache.
    let rowOf: [Int32]
    /// Weights laid out row by row: `table[rowOf[feature] * models.count + model]`.
    let table: [Float]

    /// Creates a router, checking every part.
    /// - Parameters:
    ///   - features: How prompts become features.
    ///   - models: The candidate models, at least one, with distinct names.
    ///   - threshold: The least probability a model needs to be chosen, in `[0, 1]`.
    ///   - training: The training summary, if any.
    /// - Throws: ``RouterFileError`` when the settings are out of range, there is no model, two models share a
    ///   name, a number is not finite, or a weight's feature index is out of range or out of order.
    public init(
        features: RouterFeatureSettings, models: [Model], threshold: Double, training: RouterTrainingSummary? = nil
    )
        throws(RouterFileError)
    {
        try Self.validate(features: features, models: models, threshold: threshold)
        self.features = features
        self.models = models
        self.threshold = threshold
        self.training = training
        costOrder = models.indices.sorted { a, b in
            let (x, y) = (models[a], models[b])
            if x.meanCostUSD != y.meanCostUSD { return x.meanCostUSD < y.meanCostUSD }
            if x.accuracy != y.accuracy { return x.accuracy > y.accuracy }
            return x.name < y.name
        }
        var rowOf = [Int32](repeating: -1, count: features.dimensions)
        var rows: Int32 = 0
        for index in Set(models.flatMap(\.weights.indices)).sorted() {
            rowOf[Int(index)] = rows
            rows += 1
        }
        var table = [Float](repeating: 0, count: Int(rows) * models.count)
        for (m, model) in models.enumerated() {
            for (index, value) in zip(model.weights.indices, model.weights.values) {
                table[Int(rowOf[Int(index)]) * models.count + m] = value
            }
        }
        self.rowOf = rowOf
        self.table = table
        fingerprint = "sha256:" + SHA256Digest.hex(Self.canonicalBytes(features: features, models: models))
    }

    /// The same router with another threshold.
    /// - Parameter threshold: The new threshold, in `[0, 1]`.
    /// - Throws: ``RouterFileError`` when the threshold is outside `[0, 1]`.
    public func with(threshold: Double) throws(RouterFileError) -> LearnedRouter {
        try LearnedRouter(features: features, models: models, threshold: threshold, training: training)
    }

    /// The names of the models, in ``models`` order.
    public var modelNames: [String] { models.map(\.name) }

    /// Each model's predicted probability of answering `text` correctly, in ``models`` order.
    /// - Parameter text: A prompt.
    public func probabilities(text: String) -> [Double] {
        probabilities(features.features(of: text))
    }

    /// Each model's predicted probability for a feature vector, in ``models`` order.
    func probabilities(_ vector: RouterFeatureVector) -> [Double] {
        let count = models.count
        var z = models.map(\.bias)
        table.withUnsafeBufferPointer { table in
            z.withUnsafeMutableBufferPointer { z in
                for (index, value) in zip(vector.indices, vector.values) {
                    let row = Int(rowOf[Int(index)])
                    guard row >= 0 else { continue }
                    let weights = UnsafeBufferPointer(rebasing: table[(row * count)..<(row * count + count)])
                    for m in 0..<count { z[m] += value * Double(weights[m]) }
                }
            }
        }
        return z.map(PortableMath.sigmoid)
    }
}

/// Sparse weights: feature indices, ascending, and the weight of each.
public struct RouterWeights: Sendable, Hashable {
    /// Feature indices, strictly ascending, each below ``RouterFeatureSettings/dimensions``.
    public var indices: [Int32]
    /// The weight of each feature in ``indices``.
    public var values: [Float]

    /// Creates weights.
    /// - Parameters:
    ///   - indices: Feature indices, strictly ascending.
    ///   - values: The weight of each, as many as `indices`.
    public init(indices: [Int32] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }

    /// Weights from a dictionary of feature index → weight (zeros dropped).
    /// - Parameter weights: Weights by feature index.
    public init(_ weights: [Int: Float]) {
        let kept = weights.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        indices = kept.map { Int32($0.key) }
        values = kept.map(\.value)
    }
}

extension LearnedRouter: Equatable {
    /// Routers are equal when their features, models, threshold and training summary are.
    public static func == (lhs: LearnedRouter, rhs: LearnedRouter) -> Bool {
        lhs.features == rhs.features && lhs.models == rhs.models && lhs.threshold == rhs.threshold && lhs.training == rhs.training
    }
}
