extension LearnedRouter {
    /// The `format` of the files this version writes and reads.
    public static let format = "tollgate-router/1"
    /// The feature hash the files name (`features.hash`).
    static let hashName = "fnv1a64"
    /// How bucket values are computed (`features.values`).
    static let valuesName = "sublinear-tf-l2"

    /// The router as a JSON document (UTF-8), deterministic: the same router gives the same bytes.
    ///
    /// Each model is one line, so the file diffs well and its size is mostly the weights; see docs/router.md.
    public func jsonBytes() -> [UInt8] {
        var out = "{\n"
        out += "  \"format\": \(JSONText.quote(Self.format)),\n"
        out += "  \"fingerprint\": \(JSONText.quote(fingerprint)),\n"
        out += "  \"threshold\": \(Self.number(threshold)),\n"
        out += "  \"features\": \(Self.featuresJSON(features)),\n"
        out += "  \"models\": [\n"
        out += models.map { "    " + Self.modelJSON($0) }.joined(separator: ",\n")
        out += "\n  ],\n"
        out += "  \"training\": \(training.map(Self.trainingJSON) ?? "null")\n"
        out += "}\n"
        return Array(out.utf8)
    }

    /// What the fingerprint hashes: the features and each model, one compact JSON line each.
    static func canonicalBytes(features: RouterFeatureSettings, models: [Model]) -> [UInt8] {
        var out = featuresJSON(features) + "\n"
        for model in models { out += modelJSON(model) + "\n" }
        return Array(out.utf8)
    }

    static func featuresJSON(_ features: RouterFeatureSettings) -> String {
        let dense = RouterFeatureSettings.denseNames.map(JSONText.quote).joined(separator: ",")
        return "{\"hash\":\(JSONText.quote(hashName)),\"bucket_bits\":\(features.bucketBits),\"ngrams\":\(features.ngrams),"
            + "\"max_bytes\":\(features.maxBytes),\"values\":\(JSONText.quote(valuesName)),\"dense\":[\(dense)]}"
    }

    static func modelJSON(_ model: Model) -> String {
        var out = "{\"name\":\(JSONText.quote(model.name)),\"mean_cost_usd\":\(number(model.meanCostUSD)),"
        out += "\"accuracy\":\(number(model.accuracy)),\"rows\":\(model.rows),\"bias\":\(number(model.bias)),"
        out += "\"indices\":[" + model.weights.indices.map { String($0) }.joined(separator: ",") + "],"
        out += "\"weights\":[" + model.weights.values.map { "\($0)" }.joined(separator: ",") + "]}"
        return out
    }

    static func trainingJSON(_ summary: RouterTrainingSummary) -> String {
        func score(_ score: RouterScore) -> String {
            "{\"accuracy\":\(number(score.accuracy)),\"mean_cost_usd\":\(number(score.meanCostUSD))}"
        }
        let fields = [
            "\"rows\":\(summary.rows)", "\"holdout\":\(number(summary.holdout))", "\"held_out_rows\":\(summary.heldOutRows)",
            "\"l2\":\(number(summary.l2))", "\"max_iterations\":\(summary.maxIterations)", "\"min_prompts\":\(summary.minPrompts)",
            "\"target\":{\"kind\":\(JSONText.quote(summary.target.kind)),\"value\":\(number(summary.target.value))}",
            "\"required_accuracy\":\(number(summary.requiredAccuracy))", "\"target_met\":\(summary.targetMet)",
            "\"held_out\":\(score(summary.heldOut))", "\"best_model\":\(JSONText.quote(summary.bestModel))",
            "\"best_model_held_out\":\(score(summary.bestModelScore))", "\"oracle_held_out\":\(score(summary.oracle))",
            "\"refit\":\"all rows\"",
        ]
        return "{\n    " + fields.joined(separator: ",\n    ") + "\n  }"
    }

    /// A finite double as its shortest round-trip text (`0.8`, `1e-05`).
    static func number(_ value: Double) -> String { "\(value)" }

    /// Checks what ``init(features:models:threshold:training:)`` requires.
    static func validate(features: RouterFeatureSettings, models: [Model], threshold: Double) throws(RouterFileError) {
        if let problem = features.problem { throw RouterFileError(.invalidField, field: "features", problem) }
        guard threshold >= 0 && threshold <= 1 else {
            throw RouterFileError(.thresholdOutOfRange, field: "threshold", "must be from 0 to 1, got \(threshold)")
        }
        guard !models.isEmpty else { throw RouterFileError(.noModels, field: "models", "a router needs at least one model") }
        var names: Set<String> = []
        for (i, model) in models.enumerated() {
            let path = "models[\(i)]"
            guard !model.name.isEmpty, names.insert(model.name).inserted else {
                throw RouterFileError(.invalidField, field: "\(path).name", "must be a non-empty name no other model has, got '\(model.name)'")
            }
            guard model.meanCostUSD.isFinite, model.meanCostUSD >= 0 else {
                throw RouterFileError(.invalidField, field: "\(path).mean_cost_usd", "must be a finite number of USD, at least 0")
            }
            guard model.accuracy >= 0 && model.accuracy <= 1 else {
                throw RouterFileError(.invalidField, field: "\(path).accuracy", "must be from 0 to 1, got \(model.accuracy)")
            }
            guard model.rows >= 0 else { throw RouterFileError(.invalidField, field: "\(path).rows", "must not be negative") }
            guard model.bias.isFinite else { throw RouterFileError(.invalidField, field: "\(path).bias", "must be a finite number") }
            try validate(model.weights, dimensions: features.dimensions, path: path)
        }
    }

    private static func validate(_ weights: RouterWeights, dimensions: Int, path: String) throws(RouterFileError) {
        guard weights.indices.count == weights.values.count else {
            throw RouterFileError(
                .weightOutOfRange, field: "\(path).weights",
                "has \(weights.values.count) weights for \(weights.indices.count) indices")
        }
        var previous = -1
        for (k, index) in weights.indices.enumerated() {
            guard Int(index) > previous, Int(index) < dimensions else {
                throw RouterFileError(
                    .weightOutOfRange, field: "\(path).indices[\(k)]",
                    "\(index) is not above the previous index and below the \(dimensions) features")
            }
            guard weights.values[k].isFinite else {
                throw RouterFileError(.weightOutOfRange, field: "\(path).weights[\(k)]", "must be a finite number")
            }
            previous = Int(index)
        }
    }
}
