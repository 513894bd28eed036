/// Recorded answers of real models to real prompts, looked up by model and prompt text or `sample_id`,
/// so the simulator can replay them.
///
/// Prompts are added in order (file by file, row by row). When two rows share a `sample_id`, or a prompt
/// text, the first one keeps the key and the later one is listed in ``duplicates``; the lookups are
/// therefore deterministic. Prompt text matches exactly after trimming surrounding whitespace.
///
/// A recorded model is also found under its name with `/` replaced by `-`, under the part after its
/// last `/`, and (for these derived names) case-insensitively; ``aliases`` adds names of your own.
///
/// ```swift
/// let set = try RecordingSet(csv: text, source: "mbpp_train.csv")
/// let answer = set.answer(model: "mixtral-8x7b-chat", prompt: "Write a function ...")
/// ```
public struct RecordingSet: Sendable {
    /// A key a later row shares with an earlier one.
    public struct Duplicate: Sendable, Hashable {
        /// Which key is shared.
        public enum Key: String, Sendable, Hashable {
            /// Two rows have the same `sample_id`.
            case sampleID = "sample_id"
            /// Two rows have the same prompt text.
            case prompt
        }

        /// Which key is shared.
        public var key: Key
        /// The shared `sample_id` (for a shared prompt, the later row's own).
        public var sampleID: String
        /// The file of the row that keeps the key.
        public var keptSource: String
        /// The row that keeps the key (its position in ``keptSource``, from 1).
        public var keptRow: Int
        /// The file of the later row, which the key does not reach.
        public var droppedSource: String
        /// The later row (its position in ``droppedSource``, from 1).
        public var droppedRow: Int
    }

    /// Every prompt, in the order added (duplicates included).
    public private(set) var prompts: [RecordedPrompt] = []
    /// Every recorded model, in order of first appearance.
    public private(set) var models: [String] = []
    /// Keys that later rows share with earlier ones, in the order found.
    public private(set) var duplicates: [Duplicate] = []
    /// Extra model names: alias → a recorded model name (or one of its derived names).
    public var aliases: [String: String] = [:]

    private var byText: [String: Int] = [:]
    private var bySampleID: [String: Int] = [:]
    private var byDerivedName: [String: String] = [:]

    /// Creates an empty set.
    public init() {}

    /// Whether nothing is recorded.
    public var isEmpty: Bool { prompts.isEmpty }

    /// The text a prompt is matched on: `text` without surrounding whitespace and line breaks.
    /// - Parameter text: A prompt as recorded or as received.
    public static func matchKey(_ text: some StringProtocol) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// Adds a prompt, noting the keys it shares with earlier prompts.
    /// - Parameter prompt: The prompt and its answers.
    public mutating func add(_ prompt: RecordedPrompt) {
        let index = prompts.count
        prompts.append(prompt)
        for model in prompt.answers.keys.sorted() { addModel(model) }
        if let earlier = bySampleID[prompt.sampleID] {
            duplicates.append(duplicate(.sampleID, earlier: earlier, later: index))
        } else {
            bySampleID[prompt.sampleID] = index
        }
        if let earlier = byText[prompt.text] {
            duplicates.append(duplicate(.prompt, earlier: earlier, later: index))
        } else {
            byText[prompt.text] = index
        }
    }

    /// Records `model` (keeping first-appearance order) and the derived names it is found under.
    mutating func addModel(_ model: String) {
        guard !models.contains(model) else { return }
        models.append(model)
        let slash = model.replacingSlashes()
        let tail = model.split(separator: "/").last.map(String.init) ?? model
        for name in [model, slash, tail] where byDerivedName[name.lowercased()] == nil {
            byDerivedName[name.lowercased()] = model
        }
    }

    private func duplicate(_ key: Duplicate.Key, earlier: Int, later: Int) -> Duplicate {
        Duplicate(
            key: key,
            sampleID: prompts[later].sampleID,
            keptSource: prompts[earlier].source,
            keptRow: prompts[earlier].row,
            droppedSource: prompts[later].source,
            droppedRow: prompts[later].row
        )
    }

    /// The recorded model a requested name means, or `nil` when it is not recorded.
    ///
    /// An alias first, then the exact recorded name, then the derived names (case-insensitive).
    /// - Parameter name: The `model` of a request.
    public func resolveModel(_ name: String) -> String? {
        let name = aliases[name] ?? name
        if models.contains(name) { return name }
        return byDerivedName[name.lowercased()]
    }

    /// The prompt whose text matches `text` (both trimmed), if recorded.
    /// - Parameter text: The prompt as received.
    public func prompt(matching text: some StringProtocol) -> RecordedPrompt? {
        byText[Self.matchKey(text)].map { prompts[$0] }
    }

    /// The first prompt recorded with `sampleID`, if any.
    /// - Parameter sampleID: A row's `sample_id`.
    public func prompt(sampleID: String) -> RecordedPrompt? {
        bySampleID[sampleID].map { prompts[$0] }
    }

    /// The answer of `model` (any name ``resolveModel(_:)`` accepts) to the prompt matching `prompt`.
    /// - Parameters:
    ///   - model: The requested model.
    ///   - prompt: The prompt as received.
    public func answer(model: String, prompt: some StringProtocol) -> RecordedAnswer? {
        guard let recorded = resolveModel(model) else { return nil }
        return self.prompt(matching: prompt)?.answers[recorded]
    }

    /// The answer of `model` (any name ``resolveModel(_:)`` accepts) to the prompt recorded as `sampleID`.
    /// - Parameters:
    ///   - model: The requested model.
    ///   - sampleID: A row's `sample_id` (the first such row).
    public func answer(model: String, sampleID: String) -> RecordedAnswer? {
        guard let recorded = resolveModel(model) else { return nil }
        return prompt(sampleID: sampleID)?.answers[recorded]
    }
}

extension String {
    fileprivate func replacingSlashes() -> String {
        String(map { $0 == "/" ? "-" : $0 })
    }
}
