extension LearnedRouter {
    /// Reads a router file written by ``jsonBytes()``, checking everything.
    /// - Parameter json: The file's contents (UTF-8).
    /// - Throws: ``RouterFileError``: `notJSON` for bytes that are not a JSON object, `wrongFormat` for a `format`
    ///   other than ``format``, `missingField` and `invalidField` for absent or mistyped fields, `weightOutOfRange`
    ///   for weights outside the features or out of order, `thresholdOutOfRange`, `noModels`, and
    ///   `fingerprintMismatch` when the stored fingerprint is not the one of the features and models read.
    public init(json: [UInt8]) throws(RouterFileError) {
        let document: JSONValue
        do {
            document = try JSONTextReader.parse(json)
        } catch let error as PricingError {
            throw RouterFileError(.notJSON, error.message)
        } catch {
            throw RouterFileError(.notJSON, "the file is not valid JSON")
        }
        guard case .object(let object) = document else {
            throw RouterFileError(.notJSON, "the file must hold a JSON object, got \(document.typeName)")
        }
        let top = RouterFileFields(object, path: "")
        let format = try top.string("format")
        guard format == Self.format else {
            throw RouterFileError(.wrongFormat, field: "format", "is '\(format)'; this version reads '\(Self.format)'")
        }
        let fingerprint = try top.string("fingerprint")
        let threshold = try top.double("threshold")
        let features = try Self.features(try top.object("features"))
        let list = try top.array("models")
        var models: [Model] = []
        for (i, value) in list.enumerated() {
            guard case .object(let model) = value else {
                throw RouterFileError(.invalidField, field: "models[\(i)]", "must be an object, got \(value.typeName)")
            }
            models.append(try Self.model(RouterFileFields(model, path: "models[\(i)]")))
        }
        let training = try top.optionalObject("training").map(Self.training)
        try self.init(features: features, models: models, threshold: threshold, training: training)
        guard self.fingerprint == fingerprint else {
            throw RouterFileError(
                .fingerprintMismatch, field: "fingerprint",
                "the file says \(fingerprint) but its features and models hash to \(self.fingerprint); the file was changed after training")
        }
    }

    private static func features(_ fields: RouterFileFields) throws(RouterFileError) -> RouterFeatureSettings {
        let hash = try fields.string("hash")
        guard hash == hashName else { throw fields.invalid("hash", "must be '\(hashName)', got '\(hash)'") }
        let values = try fields.string("values")
        guard values == valuesName else { throw fields.invalid("values", "must be '\(valuesName)', got '\(values)'") }
        let dense = try fields.array("dense").map { value throws(RouterFileError) -> String in
            guard case .string(let name) = value else { throw fields.invalid("dense", "must be an array of names") }
            return name
        }
        guard dense == RouterFeatureSettings.denseNames else {
            throw fields.invalid("dense", "must be \(RouterFeatureSettings.denseNames), got \(dense)")
        }
        let settings = RouterFeatureSettings(
            bucketBits: try fields.int("bucket_bits"), ngrams: try fields.int("ngrams"), maxBytes: try fields.int("max_bytes"))
        if let problem = settings.problem { throw RouterFileError(.invalidField, field: fields.path, problem) }
        return settings
    }

    private static func model(_ fields: RouterFileFields) throws(RouterFileError) -> Model {
        let indices = try fields.array("indices")
        let values = try fields.array("weights")
        guard indices.count == values.count else {
            throw RouterFileError(
                .weightOutOfRange, field: fields.path + ".weights", "has \(values.count) weights for \(indices.count) indices")
        }
        var weights = RouterWeights()
        weights.indices.reserveCapacity(indices.count)
        weights.values.reserveCapacity(values.count)
        for (k, (index, value)) in zip(indices, values).enumerated() {
            guard case .number(let indexText) = index, let feature = Int32(indexText) else {
                throw RouterFileError(.weightOutOfRange, field: "\(fields.path).indices[\(k)]", "must be a feature index (an integer)")
            }
            guard case .number(let valueText) = value, let weight = Float(valueText), weight.isFinite else {
                throw RouterFileError(.weightOutOfRange, field: "\(fields.path).weights[\(k)]", "must be a finite number")
            }
            weights.indices.append(feature)
            weights.values.append(weight)
        }
        return Model(
            name: try fields.string("name"), meanCostUSD: try fields.double("mean_cost_usd"), accuracy: try fields.double("accuracy"),
            rows: try fields.int("rows"), bias: try fields.double("bias"), weights: weights)
    }

    private static func training(_ fields: RouterFileFields) throws(RouterFileError) -> RouterTrainingSummary {
        let target = try fields.object("target")
        let kind = try target.string("kind")
        let value = try target.double("value")
        let goal: RouterTarget
        switch kind {
        case "absolute": goal = .absolute(value)
        case "relative": goal = .relative(value)
        default: throw target.invalid("kind", "must be 'absolute' or 'relative', got '\(kind)'")
        }
        func score(_ key: String) throws(RouterFileError) -> RouterScore {
            let score = try fields.object(key)
            return RouterScore(accuracy: try score.double("accuracy"), meanCostUSD: try score.double("mean_cost_usd"))
        }
        return RouterTrainingSummary(
            rows: try fields.int("rows"), holdout: try fields.double("holdout"), heldOutRows: try fields.int("held_out_rows"),
            l2: try fields.double("l2"), maxIterations: try fields.int("max_iterations"), minPrompts: try fields.int("min_prompts"), target: goal,
            requiredAccuracy: try fields.double("required_accuracy"), targetMet: try fields.bool("target_met"),
            heldOut: try score("held_out"), bestModel: try fields.string("best_model"), bestModelScore: try score("best_model_held_out"),
            oracle: try score("oracle_held_out"))
    }
}

/// Typed access to the members of one object of a router file, with errors naming the member's path.
struct RouterFileFields {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func invalid(_ key: String, _ reason: String) -> RouterFileError { RouterFileError(.invalidField, field: name(key), reason) }

    func value(_ key: String) throws(RouterFileError) -> JSONValue {
        guard let value = object[key] else { throw RouterFileError(.missingField, field: name(key), "is required") }
        return value
    }

    func string(_ key: String) throws(RouterFileError) -> String {
        let value = try value(key)
        guard case .string(let text) = value else { throw invalid(key, "must be a string, got \(value.typeName)") }
        return text
    }

    func double(_ key: String) throws(RouterFileError) -> Double {
        let value = try value(key)
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            throw invalid(key, "must be a finite number, got \(value.typeName)")
        }
        return number
    }

    func int(_ key: String) throws(RouterFileError) -> Int {
        let value = try value(key)
        guard case .number(let text) = value, let number = Int(text) else { throw invalid(key, "must be an integer, got \(value.typeName)") }
        return number
    }

    func bool(_ key: String) throws(RouterFileError) -> Bool {
        let value = try value(key)
        guard case .bool(let flag) = value else { throw invalid(key, "must be true or false, got \(value.typeName)") }
        return flag
    }

    func array(_ key: String) throws(RouterFileError) -> [JSONValue] {
        let value = try value(key)
        guard case .array(let items) = value else { throw invalid(key, "must be an array, got \(value.typeName)") }
        return items
    }

    func object(_ key: String) throws(RouterFileError) -> RouterFileFields {
        let value = try value(key)
        guard case .object(let inner) = value else { throw invalid(key, "must be an object, got \(value.typeName)") }
        return RouterFileFields(inner, path: name(key))
    }

    /// The object at `key`, or `nil` when the member is `null` (it must still be present).
    func optionalObject(_ key: String) throws(RouterFileError) -> RouterFileFields? {
        if case .null = try value(key) { return nil }
        return try object(key)
    }
}
