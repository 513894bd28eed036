extension Outcome {
    /// Parses a `POST /v1/outcomes` body: one outcome object, or `{"outcomes": [...]}`.
    ///
    /// Numbers keep their literal text, so `value_usd` is exact whether it is written as a string or a
    /// number. The first problem found is thrown, with its path (`outcomes[2].quality`); a batch with
    /// any invalid item is rejected whole.
    /// - Parameters:
    ///   - bytes: The UTF-8 body.
    ///   - receivedAtMs: When the body arrived.
    ///   - maxBatch: The most outcomes one body may carry.
    public static func parseSubmission(_ bytes: [UInt8], receivedAtMs: Int64, maxBatch: Int = 10_000) throws(OutcomeInputError) -> [Outcome] {
        let document: JSONValue
        do {
            document = try JSONTextReader.parse(bytes)
        } catch let error as PricingError {
            throw OutcomeInputError(location: "", message: "the body is not valid JSON: \(error.message)")
        } catch {
            throw OutcomeInputError(location: "", message: "the body is not valid JSON")
        }
        guard case .object(let top) = document else {
            throw OutcomeInputError(
                location: "", message: "the body must be a JSON object (one outcome, or {\"outcomes\": [...]}), got \(document.typeName)")
        }
        if top.members.contains(where: { $0.key == "outcomes" }) {
            guard top.members.count == 1 else {
                let other = top.members.first { $0.key != "outcomes" }!.key
                throw OutcomeInputError(
                    location: other, message: "a batch body has only the key 'outcomes', found '\(other)'", field: other)
            }
            guard case .array(let items) = top["outcomes"]! else {
                throw OutcomeInputError(
                    location: "outcomes", message: "must be an array of outcome objects, got \(top["outcomes"]!.typeName)", field: "outcomes")
            }
            guard !items.isEmpty else { throw OutcomeInputError(location: "outcomes", message: "must not be empty", field: "outcomes") }
            guard items.count <= maxBatch else {
                throw OutcomeInputError(
                    location: "outcomes", message: "has \(items.count) items; send at most \(maxBatch) per request", field: "outcomes")
            }
            var out: [Outcome] = []
            out.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                out.append(try outcome(item, prefix: "outcomes[\(index)]", receivedAtMs: receivedAtMs))
            }
            return out
        }
        return [try outcome(document, prefix: "", receivedAtMs: receivedAtMs)]
    }

    private static func outcome(_ value: JSONValue, prefix: String, receivedAtMs: Int64) throws(OutcomeInputError) -> Outcome {
        guard case .object(let object) = value else {
            throw OutcomeInputError(location: prefix, message: "must be an outcome object, got \(value.typeName)")
        }
        var fields: [(name: String, value: OutcomeFieldValue)] = []
        for (key, member) in object.members {
            let field: OutcomeFieldValue
            switch member {
            case .string(let s): field = .text(s)
            case .number(let n): field = .number(n)
            case .bool(let b): field = .bool(b)
            case .null: field = .null
            case .object, .array:
                throw OutcomeInputError(
                    location: prefix.isEmpty ? key : "\(prefix).\(key)", message: "must be a scalar value, got \(member.typeName)", field: key)
            }
            fields.append((key, field))
        }
        return try validated(
            fields: fields, describe: { prefix.isEmpty ? $0 : "\(prefix).\($0)" }, textOnly: false, receivedAtMs: receivedAtMs)
    }
}
