/// Governance settings: budgets, rate limits, agent limits, policies, kill switches and the
/// workflow registry. Everything here reloads without a restart. See `docs/governance.md`.
public struct GovernanceConfiguration: Sendable, Hashable, Decodable {
    /// IANA time zone in which calendar periods (day, week, month, quarter, year) begin; `UTC` by default.
    public var timeZone: String
    /// First day of a budget week: `monday` (default) or `sunday`.
    public var weekStart: String
    /// Where threshold alerts go besides the log and the event table.
    public var alerts: Alerts
    /// Spending limits.
    public var budgets: [BudgetRule]
    /// Request and token rate limits.
    public var rateLimits: [RateLimitRule]
    /// Limits per agent task (trace id).
    public var agentLimits: [AgentLimitRule]
    /// Policies by environment, team, workflow or any other scope.
    public var policies: [PolicyRule]
    /// Workflows, providers or models switched off.
    public var killSwitches: [KillSwitch]
    /// Registered workflows.
    public var workflows: [WorkflowDefinition]

    /// Creates governance settings (nothing governed by default).
    public init(
        timeZone: String = "UTC", weekStart: String = "monday", alerts: Alerts = .init(), budgets: [BudgetRule] = [],
        rateLimits: [RateLimitRule] = [], agentLimits: [AgentLimitRule] = [], policies: [PolicyRule] = [],
        killSwitches: [KillSwitch] = [], workflows: [WorkflowDefinition] = []
    ) {
        self.timeZone = timeZone
        self.weekStart = weekStart
        self.alerts = alerts
        self.budgets = budgets
        self.rateLimits = rateLimits
        self.agentLimits = agentLimits
        self.policies = policies
        self.killSwitches = killSwitches
        self.workflows = workflows
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case alerts, budgets, policies, workflows
        case timeZone = "time_zone"
        case weekStart = "week_start"
        case rateLimits = "rate_limits"
        case agentLimits = "agent_limits"
        case killSwitches = "kill_switches"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        weekStart = try c.decodeIfPresent(String.self, forKey: .weekStart) ?? "monday"
        alerts = try c.decodeIfPresent(Alerts.self, forKey: .alerts) ?? .init()
        budgets = try c.list(BudgetRule.self, forKey: .budgets) ?? []
        rateLimits = try c.list(RateLimitRule.self, forKey: .rateLimits) ?? []
        agentLimits = try c.list(AgentLimitRule.self, forKey: .agentLimits) ?? []
        policies = try c.list(PolicyRule.self, forKey: .policies) ?? []
        killSwitches = try c.list(KillSwitch.self, forKey: .killSwitches) ?? []
        workflows = try c.list(WorkflowDefinition.self, forKey: .workflows) ?? []
    }

    /// Where alerts are sent.
    public struct Alerts: Sendable, Hashable, Decodable {
        /// URL that receives a JSON POST for each alert event.
        public var webhook: String?

        /// Creates alert settings.
        public init(webhook: String? = nil) { self.webhook = webhook }

        enum CodingKeys: String, CodingKey, CaseIterable { case webhook }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            webhook = try c.decodeIfPresent(String.self, forKey: .webhook)
        }
    }
}

/// A spending limit over a scope and a period.
public struct BudgetRule: Sendable, Hashable, Decodable {
    /// The budget's name, shown in errors, alerts and reports.
    public var name: String
    /// What it applies to.
    public var scope: GovernanceScope
    /// `day`, `week`, `month`, `quarter`, `year`, `lifetime`, or `rolling 24h` (any duration).
    public var period: String
    /// The limit in USD, exact decimal text.
    public var limitUSD: String
    /// How admission reserves against it.
    public var mode: Mode
    /// Percentages of the limit at which an alert is raised, once per period each.
    public var thresholds: [Int]
    /// What happens when a request does not fit.
    public var action: Action
    /// The model used instead when ``action`` is `downgrade`.
    public var downgradeTo: String?

    /// Creates a budget.
    public init(
        name: String, scope: GovernanceScope = .init(), period: String = "month", limitUSD: String, mode: Mode = .strict,
        thresholds: [Int] = [50, 80, 100], action: Action = .block, downgradeTo: String? = nil
    ) {
        self.name = name
        self.scope = scope
        self.period = period
        self.limitUSD = limitUSD
        self.mode = mode
        self.thresholds = thresholds
        self.action = action
        self.downgradeTo = downgradeTo
    }

    /// Reservation modes.
    public enum Mode: String, Sendable, Hashable, Decodable, CaseIterable {
        /// Reserve a true upper bound of the call's cost: never overshoots.
        case strict
        /// Reserve a calibrated estimate: admits more calls, may overshoot by a measured amount.
        case estimate
    }

    /// Hard-limit actions.
    public enum Action: String, Sendable, Hashable, Decodable, CaseIterable {
        /// Refuse with 429 `budget_exceeded`.
        case block
        /// Serve the call with ``BudgetRule/downgradeTo`` instead, if that fits.
        case downgrade
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, scope, period, mode, thresholds, action
        case limitUSD = "limit_usd"
        case downgradeTo = "downgrade_to"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        scope = try c.decodeIfPresent(GovernanceScope.self, forKey: .scope) ?? .init()
        period = try c.decodeIfPresent(String.self, forKey: .period) ?? "month"
        limitUSD = try c.decimalText(forKey: .limitUSD)
        mode = try c.choice(Mode.self, forKey: .mode) ?? .strict
        thresholds = try c.list(Int.self, forKey: .thresholds) ?? [50, 80, 100]
        action = try c.choice(Action.self, forKey: .action) ?? .block
        downgradeTo = try c.decodeIfPresent(String.self, forKey: .downgradeTo)
    }
}

/// Request and token rates, as token buckets, per scope counter.
public struct RateLimitRule: Sendable, Hashable, Decodable {
    /// The limit's name.
    public var name: String
    /// What it applies to (`key: "*"` for each key, `provider: openai` for a provider ceiling).
    public var scope: GovernanceScope
    /// Requests per minute.
    public var requestsPerMinute: Int64?
    /// Tokens (input and output) per minute.
    public var tokensPerMinute: Int64?
    /// Requests per day.
    public var requestsPerDay: Int64?
    /// Tokens per day.
    public var tokensPerDay: Int64?

    /// Creates a rate limit.
    public init(
        name: String, scope: GovernanceScope = .init(), requestsPerMinute: Int64? = nil, tokensPerMinute: Int64? = nil,
        requestsPerDay: Int64? = nil, tokensPerDay: Int64? = nil
    ) {
        self.name = name
        self.scope = scope
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.requestsPerDay = requestsPerDay
        self.tokensPerDay = tokensPerDay
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, scope
        case requestsPerMinute = "requests_per_minute"
        case tokensPerMinute = "tokens_per_minute"
        case requestsPerDay = "requests_per_day"
        case tokensPerDay = "tokens_per_day"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        scope = try c.decodeIfPresent(GovernanceScope.self, forKey: .scope) ?? .init()
        requestsPerMinute = try c.decodeIfPresent(Int64.self, forKey: .requestsPerMinute)
        tokensPerMinute = try c.decodeIfPresent(Int64.self, forKey: .tokensPerMinute)
        requestsPerDay = try c.decodeIfPresent(Int64.self, forKey: .requestsPerDay)
        tokensPerDay = try c.decodeIfPresent(Int64.self, forKey: .tokensPerDay)
    }
}

/// Limits on one agent task: the calls that share an `x-tollgate-trace-id`.
public struct AgentLimitRule: Sendable, Hashable, Decodable {
    /// The limit's name.
    public var name: String
    /// Which traces it applies to (by the attribution of their calls); empty for all.
    public var scope: GovernanceScope
    /// Most calls in one trace.
    public var maxCalls: Int64?
    /// Most tokens (input and output) in one trace.
    public var maxTokens: Int64?
    /// Most cost in one trace, USD as exact decimal text.
    public var maxCostUSD: String?
    /// Longest a trace may run, from its first call.
    public var maxDuration: Duration?

    /// Creates an agent limit.
    public init(
        name: String, scope: GovernanceScope = .init(), maxCalls: Int64? = nil, maxTokens: Int64? = nil, maxCostUSD: String? = nil,
        maxDuration: Duration? = nil
    ) {
        self.name = name
        self.scope = scope
        self.maxCalls = maxCalls
        self.maxTokens = maxTokens
        self.maxCostUSD = maxCostUSD
        self.maxDuration = maxDuration
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, scope
        case maxCalls = "max_calls"
        case maxTokens = "max_tokens"
        case maxCostUSD = "max_cost_usd"
        case maxDuration = "max_duration"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        scope = try c.decodeIfPresent(GovernanceScope.self, forKey: .scope) ?? .init()
        maxCalls = try c.decodeIfPresent(Int64.self, forKey: .maxCalls)
        maxTokens = try c.decodeIfPresent(Int64.self, forKey: .maxTokens)
        maxCostUSD = try c.decimalTextIfPresent(forKey: .maxCostUSD)
        maxDuration = try c.durationIfPresent(forKey: .maxDuration)
    }
}

/// Rules for the requests a scope matches. When several policies match, each rule takes its
/// strictest value: allowlists intersect, ceilings take the minimum, redaction adds up.
public struct PolicyRule: Sendable, Hashable, Decodable {
    /// The policy's name, shown in refusals.
    public var name: String
    /// Which requests it governs (e.g. `environment: prod`, `team: support`, `workflow: triage`).
    public var match: GovernanceScope
    /// Models (configured names) callers may use; nil allows all.
    public var allowModels: [String]?
    /// Largest estimated input, in tokens.
    public var maxInputTokens: Int64?
    /// `max_tokens` injected when the caller sends none.
    public var defaultMaxTokens: Int64?
    /// Largest `max_tokens` a caller may ask for; larger values are clamped to it.
    public var maxOutputTokens: Int64?
    /// Whether models without a price may be called (true unless a policy says false).
    public var allowUnpriced: Bool?
    /// Personal data removed from prompts before they leave.
    public var redact: Redaction?
    /// Whether only workflows in the registry may run.
    public var requireRegisteredWorkflow: Bool?

    /// Creates a policy.
    public init(
        name: String, match: GovernanceScope = .init(), allowModels: [String]? = nil, maxInputTokens: Int64? = nil,
        defaultMaxTokens: Int64? = nil, maxOutputTokens: Int64? = nil, allowUnpriced: Bool? = nil, redact: Redaction? = nil,
        requireRegisteredWorkflow: Bool? = nil
    ) {
        self.name = name
        self.match = match
        self.allowModels = allowModels
        self.maxInputTokens = maxInputTokens
        self.defaultMaxTokens = defaultMaxTokens
        self.maxOutputTokens = maxOutputTokens
        self.allowUnpriced = allowUnpriced
        self.redact = redact
        self.requireRegisteredWorkflow = requireRegisteredWorkflow
    }

    /// Redaction settings.
    public struct Redaction: Sendable, Hashable, Decodable {
        /// Built-in detectors: `email`, `phone`, `card`, `iban`, `ssn` (all by default).
        public var kinds: [String]
        /// Extra patterns (name and regular expression).
        public var patterns: [NamedPattern]

        /// Creates redaction settings.
        public init(kinds: [String] = ["email", "phone", "card", "iban", "ssn"], patterns: [NamedPattern] = []) {
            self.kinds = kinds
            self.patterns = patterns
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case kinds, patterns }

        public init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer(), let enabled = try? single.decode(Bool.self) {
                self.init(kinds: enabled ? ["email", "phone", "card", "iban", "ssn"] : [])
                return
            }
            let c = try decoder.fields(CodingKeys.self)
            self.init(
                kinds: try c.list(String.self, forKey: .kinds) ?? ["email", "phone", "card", "iban", "ssn"],
                patterns: try c.list(NamedPattern.self, forKey: .patterns) ?? [])
        }
    }

    /// A named regular expression.
    public struct NamedPattern: Sendable, Hashable, Decodable {
        /// Name, used in the replacement text and the counts.
        public var name: String
        /// The regular expression.
        public var regex: String

        /// Creates a pattern.
        public init(name: String, regex: String) {
            self.name = name
            self.regex = regex
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case name, regex }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            name = try c.decode(String.self, forKey: .name, else: "")
            regex = try c.decode(String.self, forKey: .regex, else: "")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, match, redact
        case allowModels = "allow_models"
        case maxInputTokens = "max_input_tokens"
        case defaultMaxTokens = "default_max_tokens"
        case maxOutputTokens = "max_output_tokens"
        case allowUnpriced = "allow_unpriced"
        case requireRegisteredWorkflow = "require_registered_workflow"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        match = try c.decodeIfPresent(GovernanceScope.self, forKey: .match) ?? .init()
        allowModels = try c.list(String.self, forKey: .allowModels)
        maxInputTokens = try c.decodeIfPresent(Int64.self, forKey: .maxInputTokens)
        defaultMaxTokens = try c.decodeIfPresent(Int64.self, forKey: .defaultMaxTokens)
        maxOutputTokens = try c.decodeIfPresent(Int64.self, forKey: .maxOutputTokens)
        allowUnpriced = try c.decodeIfPresent(Bool.self, forKey: .allowUnpriced)
        redact = try c.decodeIfPresent(Redaction.self, forKey: .redact)
        requireRegisteredWorkflow = try c.decodeIfPresent(Bool.self, forKey: .requireRegisteredWorkflow)
    }
}
