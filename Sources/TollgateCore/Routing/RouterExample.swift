/// One training prompt of a ``LearnedRouter``: its text and, for each model that was tried on it, whether the
/// answer was correct and what the call cost.
///
/// A model with no outcome for a prompt is left out of that prompt's training and evaluation for that model.
public struct RouterExample: Sendable, Hashable {
    /// What one model's answer to the prompt was worth.
    public struct Outcome: Sendable, Hashable {
        /// Whether the answer was judged correct.
        public var correct: Bool
        /// What the call cost, in USD.
        public var costUSD: Double

        /// Creates an outcome.
        /// - Parameters:
        ///   - correct: Whether the answer was judged correct.
        ///   - costUSD: What the call cost, in USD.
        public init(correct: Bool, costUSD: Double) {
            self.correct = correct
            self.costUSD = costUSD
        }
    }

    /// The prompt's stable identifier; it decides the prompt's held-out part and cross-validation fold.
    public var sampleID: String
    /// The prompt text.
    public var text: String
    /// The task or benchmark the prompt belongs to (`arc-challenge`), empty when unknown; only reports use it.
    public var task: String
    /// The outcomes, by model name.
    public var outcomes: [String: Outcome]

    /// Creates an example.
    /// - Parameters:
    ///   - sampleID: The prompt's stable identifier.
    ///   - text: The prompt text.
    ///   - task: The task the prompt belongs to, empty when unknown.
    ///   - outcomes: The outcomes, by model name.
    public init(sampleID: String, text: String, task: String = "", outcomes: [String: Outcome]) {
        self.sampleID = sampleID
        self.text = text
        self.task = task
        self.outcomes = outcomes
    }

    /// Examples with the same ``sampleID`` merged into the first one, in first-appearance order.
    ///
    /// The first example keeps its text and task; a later one adds the outcomes of models the first has none
    /// for (RouterBench's ARC file records some prompts twice, with different models labelled on each row).
    /// - Parameter examples: Examples in order.
    /// - Returns: One example per ``sampleID``.
    public static func merged(_ examples: [RouterExample]) -> [RouterExample] {
        var out: [RouterExample] = []
        var position: [String: Int] = [:]
        for example in examples {
            guard let index = position[example.sampleID] else {
                position[example.sampleID] = out.count
                out.append(example)
                continue
            }
            for (model, outcome) in example.outcomes where out[index].outcomes[model] == nil {
                out[index].outcomes[model] = outcome
            }
        }
        return out
    }

    /// Every model with an outcome in `examples`, in order of first appearance (a prompt's models by name).
    /// - Parameter examples: Training examples.
    public static func models(in examples: [RouterExample]) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for example in examples {
            for model in example.outcomes.keys.sorted() where seen.insert(model).inserted { out.append(model) }
        }
        return out
    }

    /// A number in `0..<1` fixed by ``sampleID`` and `salt` (FNV-1a 64 and a bit mix), the same on every machine.
    /// - Parameter salt: Separates independent splits (held-out part, cross-validation folds).
    public func unitHash(salt: UInt64) -> Double {
        var state = RouterFeatureSettings.fnvBasis ^ salt
        for byte in sampleID.utf8 { state = RouterFeatureSettings.fnv(state, byte) }
        return Double(RouterFeatureSettings.finish(state) >> 11) * 0x1.0p-53
    }
}

/// Why a file of router training rows cannot be read.
public struct RouterDataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given.
    public var source: String
    /// The line at fault (from 1), or `nil` for the file as a whole.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - source: The file.
    ///   - line: The line at fault, from 1.
    ///   - reason: What is wrong.
    public init(source: String, line: Int? = nil, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// The file, line and reason, as shown to a person.
    public var description: String {
        line.map { "\(source) line \($0): \(reason)" } ?? "\(source): \(reason)"
    }
}
