extension RouterExample {
    /// Reads router training rows from JSON Lines: one object per line, one model's outcome on one prompt.
    ///
    /// ```
    /// {"prompt": "Write a function ...", "model": "gpt-4o-mini", "correct": true, "cost_usd": 0.00012, "id": "q-17"}
    /// ```
    ///
    /// `prompt` (a string), `model` (a non-empty string), `correct` (`true`, `false`, `1` or `0`) and `cost_usd`
    /// (a number, at least 0) are required; `id` (a string or a number) and `task` (a string) are optional, and
    /// other members are ignored. Rows with the same `id`, or with no `id` and the same prompt text, are one
    /// example; a row without `id` gets `text-` and the prompt's hash as its sample ID. Blank lines are skipped.
    /// - Parameters:
    ///   - bytes: The file's contents (UTF-8).
    ///   - source: The file's name, used in errors.
    /// - Returns: The examples, in order of first appearance.
    /// - Throws: ``RouterDataError`` naming the line for a line that is not a JSON object, a missing or wrongly
    ///   typed member, a second row for the same prompt and model, or an `id` reused with a different prompt.
    public static func examples(jsonl bytes: [UInt8], source: String) throws(RouterDataError) -> [RouterExample] {
        var examples: [RouterExample] = []
        var position: [String: (index: Int, line: Int)] = [:]
        var rowLines: [String: Int] = [:]
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var content = Array(line)
            if content.last == 0x0D { content.removeLast() }
            if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if lineNumber == 1, content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }
            func failure(_ reason: String) -> RouterDataError { RouterDataError(source: source, line: lineNumber, reason: reason) }
            let row = try JSONLRow(content, failure: failure)
            let key = row.id ?? "text-" + Self.textHash(row.prompt)
            if let seen = position[key] {
                guard examples[seen.index].text == row.prompt else {
                    throw failure("id '\(key)' was given a different prompt on line \(seen.line)")
                }
                if let first = rowLines[key + "\u{0}" + row.model] {
                    throw failure("a second row for model '\(row.model)' on this prompt (the first is line \(first))")
                }
                examples[seen.index].outcomes[row.model] = row.outcome
            } else {
                position[key] = (examples.count, lineNumber)
                examples.append(RouterExample(sampleID: key, text: row.prompt, task: row.task, outcomes: [row.model: row.outcome]))
            }
            rowLines[key + "\u{0}" + row.model] = lineNumber
        }
        return examples
    }

    /// 16 hex digits of the FNV-1a 64 hash of `text`.
    static func textHash(_ text: String) -> String {
        var state = RouterFeatureSettings.fnvBasis
        for byte in text.utf8 { state = RouterFeatureSettings.fnv(state, byte) }
        let hex = String(RouterFeatureSettings.finish(state), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// One JSON Lines row, checked.
private struct JSONLRow {
    var prompt: String
    var model: String
    var outcome: RouterExample.Outcome
    var id: String?
    var task: String

    init(_ bytes: [UInt8], failure: (String) -> RouterDataError) throws(RouterDataError) {
        let value: JSONValue
        do {
            value = try JSONTextReader.parse(bytes)
        } catch let error as PricingError {
            throw failure("not valid JSON: \(error.message)")
        } catch {
            throw failure("not valid JSON")
        }
        guard case .object(let object) = value else { throw failure("expected a JSON object, got \(value.typeName)") }
        guard case .string(let prompt)? = object["prompt"] else { throw failure(Self.expected("prompt", "a string", object)) }
        guard case .string(let model)? = object["model"], !model.isEmpty else {
            throw failure(Self.expected("model", "a non-empty string", object))
        }
        let correct: Bool
        switch object["correct"] {
        case .bool(let flag)?: correct = flag
        case .number(let text)? where Double(text) == 1: correct = true
        case .number(let text)? where Double(text) == 0: correct = false
        default: throw failure(Self.expected("correct", "true, false, 1 or 0", object))
        }
        guard case .number(let costText)? = object["cost_usd"], let cost = Double(costText), cost.isFinite, cost >= 0 else {
            throw failure(Self.expected("cost_usd", "a number of USD, at least 0", object))
        }
        switch object["id"] {
        case nil, .null?: id = nil
        case .string(let text)?: id = text
        case .number(let text)?: id = text
        default: throw failure(Self.expected("id", "a string or a number", object))
        }
        switch object["task"] {
        case nil, .null?: task = ""
        case .string(let text)?: task = text
        default: throw failure(Self.expected("task", "a string", object))
        }
        self.prompt = prompt
        self.model = model
        outcome = RouterExample.Outcome(correct: correct, costUSD: cost)
    }

    /// "`name` must be …, got …" (or "is missing").
    static func expected(_ name: String, _ what: String, _ object: JSONObject) -> String {
        guard let value = object[name] else { return "'\(name)' is missing (\(what))" }
        switch value {
        case .number(let text), .string(let text): return "'\(name)' must be \(what), got \(value.typeName) \(text.prefix(40))"
        default: return "'\(name)' must be \(what), got \(value.typeName)"
        }
    }
}
