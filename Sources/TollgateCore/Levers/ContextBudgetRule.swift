/// One way of shrinking a request's context, in the order a ``ContextBudgetRule`` lists them.
public enum ContextStrategy: String, Sendable, Hashable, CaseIterable, Decodable {
    /// Tool-call arguments and tool results that are JSON text lose their insignificant whitespace.
    case compactJSON = "compact_json"
    /// An instruction block repeated verbatim later in the conversation keeps its first occurrence only.
    case dedupeInstructions = "dedupe_instructions"
    /// Each tool result longer than the rule's `max_tool_result_tokens` is cut to that length, with a marker.
    case truncateToolResults = "truncate_tool_results"
    /// The conversation keeps its protected prefix and its last `keep_last_turns` turns; older turns go.
    case keepLastTurns = "keep_last_turns"
    /// The turns older than the last `keep_last_turns` are replaced by a summary written by a model.
    case summarize

    /// The strategies that need no model call, in the order they apply by default.
    public static let deterministic: [ContextStrategy] = [.compactJSON, .dedupeInstructions, .truncateToolResults, .keepLastTurns]

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let strategy = Self(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue)
            let hint = KeySuggestion.closest(to: text, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not one of \(names.joined(separator: ", "))\(hint)"))
        }
        self = strategy
    }
}

/// A context budget for the calls one rule matches (`levers.context[]`): a ceiling on input tokens,
/// and the strategies tried in order until a request fits it. See `docs/levers.md`, "Context budgets".
public struct ContextBudgetRule: Sendable, Hashable, Decodable {
    /// What the gateway does with a request that is still over budget after every strategy.
    public enum OverBudget: String, Sendable, Hashable, CaseIterable {
        /// Forward the caller's request unchanged (the default).
        case forward
        /// Refuse it without calling the model.
        case refuse
    }

    /// The model call that writes the summary for the `summarize` strategy.
    public struct Summary: Sendable, Hashable, Decodable {
        /// The configured model (or alias) that writes the summary.
        public var model: String
        /// The output cap of the summary call, which is also what the summary adds to the request.
        public var maxTokens: Int

        /// Creates summary settings.
        public init(model: String, maxTokens: Int = 512) {
            self.model = model
            self.maxTokens = maxTokens
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model
            case maxTokens = "max_tokens"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            model = try c.decode(String.self, forKey: .model, else: "")
            maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 512
            if maxTokens < 1 {
                try c.problem(.maxTokens, "must be at least 1")
                maxTokens = 512
            }
        }
    }

    /// The rule's name, recorded on the entries it changed.
    public var name: String
    /// The calls it covers (any governance scope: `workflow: agent`, `team: support`, ...).
    public var match: GovernanceScope
    /// The most input tokens a request may carry, as the gateway estimates them for admission.
    public var maxInputTokens: Int
    /// The strategies tried, in this order, until the request fits.
    public var strategies: [ContextStrategy]
    /// The turns `keep_last_turns` keeps (and `summarize` leaves as they are).
    public var keepLastTurns: Int
    /// The most tokens a tool result keeps under `truncate_tool_results`.
    public var maxToolResultTokens: Int
    /// What happens to a request still over budget after every strategy.
    public var onOverBudget: OverBudget
    /// The summary call, for the `summarize` strategy.
    public var summarize: Summary?

    /// Creates a rule.
    public init(
        name: String, match: GovernanceScope = .init(), maxInputTokens: Int, strategies: [ContextStrategy] = ContextStrategy.deterministic,
        keepLastTurns: Int = 6, maxToolResultTokens: Int = 1_000, onOverBudget: OverBudget = .forward, summarize: Summary? = nil
    ) {
        self.name = name
        self.match = match
        self.maxInputTokens = maxInputTokens
        self.strategies = strategies
        self.keepLastTurns = keepLastTurns
        self.maxToolResultTokens = maxToolResultTokens
        self.onOverBudget = onOverBudget
        self.summarize = summarize
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, match, strategies, summarize
        case maxInputTokens = "max_input_tokens"
        case keepLastTurns = "keep_last_turns"
        case maxToolResultTokens = "max_tool_result_tokens"
        case onOverBudget = "on_over_budget"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        let d = ContextBudgetRule(name: "", maxInputTokens: 1)
        name = try c.decode(String.self, forKey: .name, else: "")
        match = try c.decodeIfPresent(GovernanceScope.self, forKey: .match) ?? .init()
        maxInputTokens = try c.decode(Int.self, forKey: .maxInputTokens, else: 1)
        if maxInputTokens < 1 {
            try c.problem(.maxInputTokens, "must be at least 1")
            maxInputTokens = 1
        }
        strategies = try c.list(ContextStrategy.self, forKey: .strategies) ?? d.strategies
        if strategies.isEmpty, (try? c.container.nestedUnkeyedContainer(forKey: .strategies))?.count == 0 {
            try c.problem(.strategies, "must name at least one strategy")
        }
        keepLastTurns = try Self.positive(c, .keepLastTurns) ?? d.keepLastTurns
        maxToolResultTokens = try Self.positive(c, .maxToolResultTokens) ?? d.maxToolResultTokens
        onOverBudget = try c.choice(OverBudget.self, forKey: .onOverBudget) ?? d.onOverBudget
        summarize = try c.decodeIfPresent(Summary.self, forKey: .summarize)
    }

    /// An optional count of at least 1; nil when absent or below 1 (the problem recorded).
    private static func positive(_ c: ConfigurationFields<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        guard let value = try c.decodeIfPresent(Int.self, forKey: key) else { return nil }
        if value >= 1 { return value }
        try c.problem(key, "must be at least 1")
        return nil
    }

    /// The settings as one line, in a fixed order (an input of the levers' fingerprint).
    public var canonicalText: String {
        let summary = summarize.map { "\($0.model):\($0.maxTokens)" } ?? "none"
        return "context rule name=\(name) match=\(match.text) max_input_tokens=\(maxInputTokens) "
            + "strategies=\(strategies.map(\.rawValue).joined(separator: ",")) keep_last_turns=\(keepLastTurns) "
            + "max_tool_result_tokens=\(maxToolResultTokens) on_over_budget=\(onOverBudget.rawValue) summarize=\(summary)"
    }
}

extension ContextBudgetRule {
    /// What is wrong with the rule beyond its syntax: no name, a strategy listed twice, `summarize`
    /// without its settings or not last, `summarize` beside `keep_last_turns` (both take the same
    /// turns), a summary as long as the budget, and a scope or summary naming an unknown model.
    /// - Parameters:
    ///   - path: The rule's key path (`levers.context[0]`).
    ///   - models: The configured model names (and aliases).
    public func issues(path: String, models: Set<String>) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        func add(_ key: String, _ message: String) { issues.append(.init(path: "\(path).\(key)", message: message)) }
        if name.isEmpty { add("name", "must not be empty") }
        for (i, strategy) in strategies.enumerated() where strategies[..<i].contains(strategy) {
            add("strategies[\(i)]", "'\(strategy.rawValue)' is listed twice")
        }
        if let at = strategies.firstIndex(of: .summarize) {
            if summarize == nil { add("strategies[\(at)]", "'summarize' needs the summarize settings (model, max_tokens)") }
            if at != strategies.count - 1 { add("strategies[\(at)]", "'summarize' must be the last strategy") }
            if strategies.contains(.keepLastTurns) {
                add("strategies[\(at)]", "'summarize' and 'keep_last_turns' both take the turns before the last keep_last_turns; list one")
            }
        } else if summarize != nil {
            add("summarize", "is set but 'summarize' is not among the strategies")
        }
        if let summary = summarize {
            if summary.model.isEmpty {
                add("summarize.model", "must not be empty")
            } else if !models.contains(summary.model) {
                add("summarize.model", "unknown model '\(summary.model)'")
            }
            if summary.maxTokens >= maxInputTokens { add("summarize.max_tokens", "must be below max_input_tokens (\(maxInputTokens))") }
        }
        if case .equals(let model) = match.conditions[.model], !models.contains(model) {
            add("match.model", "unknown model '\(model)'")
        }
        return issues
    }

    /// The problems of a list of rules (`levers.context`): each rule's, and names used twice.
    /// - Parameters:
    ///   - rules: The rules in order.
    ///   - path: The list's key path (`levers.context`).
    ///   - models: The configured model names (and aliases).
    public static func issues(_ rules: [ContextBudgetRule], path: String, models: Set<String>) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        var names: Set<String> = []
        for (i, rule) in rules.enumerated() {
            issues += rule.issues(path: "\(path)[\(i)]", models: models)
            if !rule.name.isEmpty && !names.insert(rule.name).inserted {
                issues.append(.init(path: "\(path)[\(i)].name", message: "duplicate context rule name '\(rule.name)'"))
            }
        }
        return issues
    }
}
