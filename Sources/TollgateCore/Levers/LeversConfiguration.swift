/// The levers that bend the cost curve (`levers:` in the configuration): each is off unless a rule
/// switches it on for the calls it matches. See `docs/levers.md`.
public struct LeversConfiguration: Sendable, Hashable, Decodable {
    /// The exact response cache.
    public var cache: CacheConfiguration
    /// Model routing: rules, tiers and learned routers.
    public var routing: RoutingConfiguration
    /// Fallback models and per-provider circuit breakers.
    public var fallbacks: FallbackConfiguration
    /// Context budgets, in order; the first rule that matches a call applies.
    public var context: [ContextBudgetRule]

    /// Creates lever settings (all off by default).
    public init(
        cache: CacheConfiguration = .init(), routing: RoutingConfiguration = .init(), fallbacks: FallbackConfiguration = .init(),
        context: [ContextBudgetRule] = []
    ) {
        self.cache = cache
        self.routing = routing
        self.fallbacks = fallbacks
        self.context = context
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case cache, routing, fallbacks, context }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        cache = try c.decodeIfPresent(CacheConfiguration.self, forKey: .cache) ?? .init()
        routing = try c.decodeIfPresent(RoutingConfiguration.self, forKey: .routing) ?? .init()
        fallbacks = try c.decodeIfPresent(FallbackConfiguration.self, forKey: .fallbacks) ?? .init()
        context = try c.list(ContextBudgetRule.self, forKey: .context) ?? []
    }

    /// Whether any lever is switched on for some calls.
    public var isEmpty: Bool { cache.rules.isEmpty && routing.rules.isEmpty && fallbacks.isEmpty && context.isEmpty }

    /// A short fingerprint of the levers in force (12 hex digits of a SHA-256 over their settings),
    /// recorded on every entry so that calls served under different lever settings can be told apart;
    /// nil when no lever is on.
    public var version: String? {
        guard !isEmpty else { return nil }
        return String(SHA256Digest.hex(Array(canonicalText.utf8)).prefix(12))
    }

    /// The settings as one line each, in a fixed order (the fingerprint's input).
    var canonicalText: String {
        var lines = ["cache max_bytes=\(cache.maxBytes)"]
        for rule in cache.rules {
            let ttl = rule.ttl.components
            lines.append(
                "cache rule name=\(rule.name) match=\(rule.match.text) ttl=\(ttl.seconds)s\(ttl.attoseconds)as scope=\(rule.scope.rawValue) "
                    + "any_temperature=\(rule.anyTemperature) tool_calls=\(rule.toolCalls)")
        }
        return (lines + routing.canonicalText + fallbacks.canonicalText + context.map(\.canonicalText)).joined(separator: "\n")
    }
}

/// The exact response cache: answers kept in memory by the canonical request, served again
/// without an upstream call to the calls its rules match.
public struct CacheConfiguration: Sendable, Hashable, Decodable {
    /// The most bytes of answers held; the least recently used go first. 64 MiB by default.
    public var maxBytes: Int
    /// Which calls are cached and how; the first rule that matches a call applies, and a call no rule
    /// matches is never cached.
    public var rules: [CacheRule]

    /// Creates cache settings.
    public init(maxBytes: Int = 64 << 20, rules: [CacheRule] = []) {
        self.maxBytes = maxBytes
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxBytes = "max_bytes"
        case rules
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        let d = CacheConfiguration()
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes) ?? d.maxBytes
        if maxBytes < 1 {
            try c.problem(.maxBytes, "must be at least 1")
            maxBytes = d.maxBytes
        }
        rules = try c.list(CacheRule.self, forKey: .rules) ?? []
    }

    /// The first rule that applies to a request, if any.
    public func rule(for facts: RequestFacts) -> CacheRule? {
        rules.first { $0.match.key(for: facts) != nil }
    }
}

/// Which calls one cache rule covers and how their answers are kept.
public struct CacheRule: Sendable, Hashable, Decodable {
    /// Who may share a cached answer.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// Callers of the same team (a key without a team shares with itself only). The default: one
        /// tenant's answer is never served to another.
        case team
        /// Callers of the same workflow, across teams (a call without a workflow shares with its key only).
        case workflow
        /// Every caller.
        case global
    }

    /// The rule's name, recorded on the entries it served.
    public var name: String
    /// The calls it covers (any governance scope: `workflow: faq`, `team: support`, `key: k1`, ...).
    public var match: GovernanceScope
    /// How long an answer is served after it was stored.
    public var ttl: Duration
    /// Who may share an answer.
    public var scope: Scope
    /// Whether sampled requests (a `temperature` other than 0, or none) are cached too.
    public var anyTemperature: Bool
    /// Whether answers that call tools are stored.
    public var toolCalls: Bool

    /// Creates a rule.
    public init(
        name: String, match: GovernanceScope = .init(), ttl: Duration = .seconds(3_600), scope: Scope = .team, anyTemperature: Bool = false,
        toolCalls: Bool = false
    ) {
        self.name = name
        self.match = match
        self.ttl = ttl
        self.scope = scope
        self.anyTemperature = anyTemperature
        self.toolCalls = toolCalls
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, match, ttl, scope
        case anyTemperature = "any_temperature"
        case toolCalls = "tool_calls"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        let d = CacheRule(name: "")
        name = try c.decode(String.self, forKey: .name, else: "")
        match = try c.decodeIfPresent(GovernanceScope.self, forKey: .match) ?? .init()
        ttl = try c.durationIfPresent(forKey: .ttl) ?? d.ttl
        if ttl <= .zero {
            try c.problem(.ttl, "must be longer than zero")
            ttl = d.ttl
        }
        scope = try c.choice(Scope.self, forKey: .scope) ?? d.scope
        anyTemperature = try c.decodeIfPresent(Bool.self, forKey: .anyTemperature) ?? false
        toolCalls = try c.decodeIfPresent(Bool.self, forKey: .toolCalls) ?? false
    }

    /// The partition an answer is shared within, for a call with this attribution.
    public func partition(_ attribution: Attribution) -> String {
        switch scope {
        case .team: attribution.team.map { "team:" + $0 } ?? "key:" + attribution.keyID
        case .workflow: attribution.workflow.map { "workflow:" + $0 } ?? "key:" + attribution.keyID
        case .global: "global"
        }
    }
}

extension LeversConfiguration {
    /// What is wrong with the levers beyond their syntax: rules without a name or with a name used
    /// twice, and scopes naming a model or provider that is not configured.
    /// - Parameters:
    ///   - models: The configured model names (and aliases).
    ///   - providers: The configured provider names.
    ///   - path: The section's key path (`levers`).
    public func issues(models: Set<String>, providers: Set<String>, path: String = "levers") -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        var names: Set<String> = []
        for (i, rule) in cache.rules.enumerated() {
            let at = "\(path).cache.rules[\(i)]"
            if rule.name.isEmpty { issues.append(.init(path: "\(at).name", message: "must not be empty")) }
            if !rule.name.isEmpty && !names.insert(rule.name).inserted {
                issues.append(.init(path: "\(at).name", message: "duplicate cache rule name '\(rule.name)'"))
            }
            issues += rule.match.issues(models: models, providers: providers, path: "\(at).match")
        }
        return issues + routing.issues(models: models, providers: providers, path: "\(path).routing")
            + fallbacks.issues(models: models, providers: providers, path: "\(path).fallbacks")
            + ContextBudgetRule.issues(context, path: "\(path).context", models: models)
    }
}
