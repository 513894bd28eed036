/// Fallbacks and circuit breakers (`levers.fallbacks`): when a call's provider cannot serve it — it
/// cannot be reached, or answers 429 or 5xx after its retries — the call goes to the next model of its
/// rule's list; a provider that keeps failing is skipped for a while.
public struct FallbackConfiguration: Sendable, Hashable, Decodable {
    /// The lists, in order; the first rule that matches a call gives its fallback models.
    public var rules: [FallbackRule]
    /// The per-provider circuit breaker; nil leaves every provider always tried.
    public var circuitBreaker: CircuitBreakerSettings?

    /// Creates fallback settings (none by default).
    public init(rules: [FallbackRule] = [], circuitBreaker: CircuitBreakerSettings? = nil) {
        self.rules = rules
        self.circuitBreaker = circuitBreaker
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rules
        case circuitBreaker = "circuit_breaker"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        rules = try c.list(FallbackRule.self, forKey: .rules) ?? []
        circuitBreaker = try c.decodeIfPresent(CircuitBreakerSettings.self, forKey: .circuitBreaker)
    }

    /// Whether any fallback or breaker is configured.
    public var isEmpty: Bool { rules.isEmpty && circuitBreaker == nil }

    /// The first rule that applies to a request, if any.
    public func rule(for facts: RequestFacts) -> FallbackRule? {
        rules.first { $0.match.key(for: facts) != nil }
    }

    /// The settings as lines in a fixed order (part of the levers' fingerprint).
    var canonicalText: [String] {
        let breaker = circuitBreaker.map {
            ["circuit_breaker failures=\($0.failures) window=\($0.window.milliseconds)ms cooldown=\($0.cooldown.milliseconds)ms"]
        }
        return rules.map { "fallback rule name=\($0.name) match=\($0.match.text) models=\($0.models.joined(separator: ","))" } + (breaker ?? [])
    }

    /// What is wrong beyond the syntax: unnamed or duplicate rules, empty lists, unknown models.
    public func issues(models: Set<String>, providers: Set<String>, path: String) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        var names: Set<String> = []
        for (i, rule) in rules.enumerated() {
            let at = "\(path).rules[\(i)]"
            if rule.name.isEmpty { issues.append(.init(path: "\(at).name", message: "must not be empty")) }
            if !rule.name.isEmpty && !names.insert(rule.name).inserted {
                issues.append(.init(path: "\(at).name", message: "duplicate fallback rule name '\(rule.name)'"))
            }
            if rule.models.isEmpty { issues.append(.init(path: "\(at).models", message: "a fallback rule needs at least one model")) }
            for (j, model) in rule.models.enumerated() where !models.contains(model) {
                issues.append(.init(path: "\(at).models[\(j)]", message: "unknown model '\(model)'"))
            }
            issues += rule.match.issues(models: models, providers: providers, path: "\(at).match")
        }
        return issues
    }
}

/// The models a call falls back to, in order, when its own cannot serve it.
public struct FallbackRule: Sendable, Hashable, Decodable {
    /// The rule's name, recorded on the entries it served.
    public var name: String
    /// The calls it covers (any governance scope; `model:` is the model the call would go to).
    public var match: GovernanceScope
    /// The models tried next, in order (a model of another dialect than the call's is skipped).
    public var models: [String]

    /// Creates a rule.
    public init(name: String, match: GovernanceScope = .init(), models: [String]) {
        self.name = name
        self.match = match
        self.models = models
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, match, models }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        match = try c.decodeIfPresent(GovernanceScope.self, forKey: .match) ?? .init()
        models = try c.list(String.self, forKey: .models) ?? []
    }
}

/// When a provider's circuit opens and for how long.
public struct CircuitBreakerSettings: Sendable, Hashable, Decodable {
    /// Failed calls within ``window`` that open the circuit.
    public var failures: Int
    /// How far back failures count.
    public var window: Duration
    /// How long an open circuit stays open before one probe call is let through.
    public var cooldown: Duration

    /// Creates settings: by default 5 failures in 30 s open the circuit for 30 s.
    public init(failures: Int = 5, window: Duration = .seconds(30), cooldown: Duration = .seconds(30)) {
        self.failures = failures
        self.window = window
        self.cooldown = cooldown
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case failures, window, cooldown }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        let d = CircuitBreakerSettings()
        failures = try c.decodeIfPresent(Int.self, forKey: .failures) ?? d.failures
        if failures < 1 {
            try c.problem(.failures, "must be at least 1")
            failures = d.failures
        }
        window = try c.durationIfPresent(forKey: .window) ?? d.window
        if window <= .zero {
            try c.problem(.window, "must be longer than zero")
            window = d.window
        }
        cooldown = try c.durationIfPresent(forKey: .cooldown) ?? d.cooldown
        if cooldown <= .zero {
            try c.problem(.cooldown, "must be longer than zero")
            cooldown = d.cooldown
        }
    }
}
