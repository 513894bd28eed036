/// Model routing (`levers.routing`): rules that send the calls they match to another model, to the
/// cheapest fitting model of a tier, or to the model a learned router picks.
public struct RoutingConfiguration: Sendable, Hashable, Decodable {
    /// Named, ordered sets of models (`small: [gpt-4o-mini, claude-haiku]`); within a tier a call goes to
    /// the cheapest model that fits it.
    public var tiers: [String: [String]]
    /// The rules, in order; the first that matches a call decides, and a call no rule matches goes to the
    /// model it asked for.
    public var rules: [RoutingRule]

    /// Creates routing settings (no rule: every call goes where it asked).
    public init(tiers: [String: [String]] = [:], rules: [RoutingRule] = []) {
        self.tiers = tiers
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case tiers, rules }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        tiers = try c.decodeIfPresent([String: [String]].self, forKey: .tiers) ?? [:]
        rules = try c.list(RoutingRule.self, forKey: .rules) ?? []
    }

    /// The first rule that applies to a request, if any.
    public func rule(for facts: RequestFacts, traits: @autoclosure () -> RequestTraits) -> RoutingRule? {
        guard !rules.isEmpty else { return nil }
        var known: RequestTraits?
        for rule in rules where rule.match.key(for: facts) != nil {
            if let range = rule.inputTokens, !range.contains(facts.estimatedInputTokens) { continue }
            if rule.tools != nil || rule.images != nil {
                let traits = known ?? traits()
                known = traits
                if let tools = rule.tools, tools != traits.tools { continue }
                if let images = rule.images, images != traits.images { continue }
            }
            return rule
        }
        return nil
    }

    /// The settings as lines in a fixed order (part of the levers' fingerprint).
    var canonicalText: [String] {
        tiers.keys.sorted().map { "routing tier \($0)=\(tiers[$0]!.joined(separator: ","))" } + rules.map(\.canonicalText)
    }
}

/// What a routing rule may test about a request beyond its attribution and size.
public struct RequestTraits: Sendable, Hashable {
    /// Whether the request offers tools.
    public var tools: Bool
    /// Whether the prompt carries images.
    public var images: Bool

    /// Creates traits.
    public init(tools: Bool = false, images: Bool = false) {
        self.tools = tools
        self.images = images
    }
}

/// One routing rule: which calls it covers and where they go.
public struct RoutingRule: Sendable, Hashable, Decodable {
    /// Where a rule sends a call.
    public enum Target: Sendable, Hashable {
        /// A configured model.
        case model(String)
        /// The cheapest fitting model of a tier.
        case tier(String)
        /// The model a learned router file picks, at its own threshold or the one given.
        case router(path: String, threshold: Double?)
    }

    /// The rule's name, recorded on the entries it routed.
    public var name: String
    /// The calls it covers: any governance scope (`workflow`, `team`, `tags`, `prompt_id`, `prompt_version`,
    /// `model` = the model asked for, ...).
    public var match: GovernanceScope
    /// Only calls whose estimated input tokens fall in this range (`min_input_tokens`, `max_input_tokens`).
    public var inputTokens: ClosedRange<Int64>?
    /// Only calls that offer tools (true) or do not (false).
    public var tools: Bool?
    /// Only calls whose prompt carries images (true) or does not (false).
    public var images: Bool?
    /// Where the calls go.
    public var target: Target

    /// Creates a rule.
    public init(
        name: String, match: GovernanceScope = .init(), inputTokens: ClosedRange<Int64>? = nil, tools: Bool? = nil, images: Bool? = nil,
        target: Target
    ) {
        self.name = name
        self.match = match
        self.inputTokens = inputTokens
        self.tools = tools
        self.images = images
        self.target = target
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, match, tools, images, to, tier, router, threshold
        case minInputTokens = "min_input_tokens"
        case maxInputTokens = "max_input_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        match = try c.decodeIfPresent(GovernanceScope.self, forKey: .match) ?? .init()
        tools = try c.decodeIfPresent(Bool.self, forKey: .tools)
        images = try c.decodeIfPresent(Bool.self, forKey: .images)
        let low = try c.decodeIfPresent(Int64.self, forKey: .minInputTokens)
        let high = try c.decodeIfPresent(Int64.self, forKey: .maxInputTokens)
        if (low ?? 0) < 0 { try c.problem(.minInputTokens, "must not be negative") }
        if let high, high < max(low ?? 0, 0) { try c.problem(.maxInputTokens, "must be at least min_input_tokens (\(low ?? 0))") }
        inputTokens = low == nil && high == nil ? nil : max(low ?? 0, 0)...max(high ?? Int64.max, max(low ?? 0, 0))
        let threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        if let threshold, !(0...1).contains(threshold) { try c.problem(.threshold, "must be between 0 and 1") }
        target = .model("")
        target = try Self.target(c, threshold: threshold.flatMap { (0...1).contains($0) ? $0 : nil })
    }

    /// Reads the one target a rule names.
    private static func target(_ c: ConfigurationFields<CodingKeys>, threshold: Double?) throws -> Target {
        var targets: [Target] = []
        if let model = try c.decodeIfPresent(String.self, forKey: .to) { targets.append(.model(model)) }
        if let tier = try c.decodeIfPresent(String.self, forKey: .tier) { targets.append(.tier(tier)) }
        if let path = try c.decodeIfPresent(String.self, forKey: .router) { targets.append(.router(path: path, threshold: threshold)) }
        if threshold != nil, !targets.contains(where: { if case .router = $0 { true } else { false } }) {
            try c.problem(.threshold, "applies only to a rule with a router")
        }
        guard targets.count == 1, let target = targets.first else {
            try c.problem("give exactly one of 'to' (a model), 'tier' or 'router'")
            return .model("")
        }
        return target
    }

    /// The rule as one line (part of the levers' fingerprint).
    var canonicalText: String {
        let target =
            switch target {
            case .model(let model): "to=\(model)"
            case .tier(let tier): "tier=\(tier)"
            case .router(let path, let threshold): "router=\(path) threshold=\(threshold.map { String($0) } ?? "file")"
            }
        let tokens = inputTokens.map { "\($0.lowerBound)...\($0.upperBound)" } ?? "any"
        return "routing rule name=\(name) match=\(match.text) input_tokens=\(tokens) tools=\(tools.map(String.init) ?? "any") "
            + "images=\(images.map(String.init) ?? "any") \(target)"
    }
}

extension RoutingConfiguration {
    /// What is wrong with the routing settings beyond their syntax: rules without a name or with a name
    /// used twice, tiers and targets naming models that are not configured, unknown tiers.
    public func issues(models: Set<String>, providers: Set<String>, path: String) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        for name in tiers.keys.sorted() {
            let list = tiers[name]!
            if list.isEmpty { issues.append(.init(path: "\(path).tiers.\(name)", message: "a tier needs at least one model")) }
            for (i, model) in list.enumerated() where !models.contains(model) {
                issues.append(.init(path: "\(path).tiers.\(name)[\(i)]", message: "unknown model '\(model)'"))
            }
        }
        var names: Set<String> = []
        for (i, rule) in rules.enumerated() {
            let at = "\(path).rules[\(i)]"
            if rule.name.isEmpty { issues.append(.init(path: "\(at).name", message: "must not be empty")) }
            if !rule.name.isEmpty && !names.insert(rule.name).inserted {
                issues.append(.init(path: "\(at).name", message: "duplicate routing rule name '\(rule.name)'"))
            }
            issues += rule.match.issues(models: models, providers: providers, path: "\(at).match")
            switch rule.target {
            case .model(let model) where !model.isEmpty && !models.contains(model):
                issues.append(.init(path: "\(at).to", message: "unknown model '\(model)'"))
            case .tier(let tier) where tiers[tier] == nil:
                let known = tiers.keys.sorted().joined(separator: ", ")
                issues.append(.init(path: "\(at).tier", message: "unknown tier '\(tier)' (tiers: \(known.isEmpty ? "none" : known))"))
            case .router:
                issues.append(.init(path: "\(at).router", message: "learned routers are not available in this version; use 'to' or 'tier'"))
            default: break
            }
        }
        return issues
    }
}

extension GovernanceScope {
    /// Models and providers a scope names that are not configured.
    func issues(models: Set<String>, providers: Set<String>, path: String) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        if case .equals(let model) = conditions[.model], !models.contains(model) {
            issues.append(.init(path: "\(path).model", message: "unknown model '\(model)'"))
        }
        if case .equals(let provider) = conditions[.provider], !providers.contains(provider) {
            issues.append(.init(path: "\(path).provider", message: "unknown provider '\(provider)'"))
        }
        return issues
    }
}
