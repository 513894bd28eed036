/// Governance settings checked and compiled for the hot path: amounts in nano-USD, periods
/// parsed, redactors built, registry indexed. Built once per (re)load; immutable.
public struct GovernanceRules: Sendable {
    /// The settings compiled.
    public let configuration: GovernanceConfiguration
    /// Calendar in which periods begin.
    let calendar: PeriodCalendar
    /// Budgets, those of registered workflows included.
    let budgets: [Budget]
    /// Rate limits.
    let rateLimits: [RateLimitRule]
    /// Agent limits.
    let agentLimits: [AgentLimit]
    /// Policies with their redactors.
    let policies: [Policy]
    /// Kill switches from the file.
    let killSwitches: [KillSwitch.Target: KillSwitch]
    /// Registered workflows by name.
    let workflows: [String: WorkflowDefinition]

    /// The names of the registered workflows.
    public var registeredWorkflows: Set<String> { Set(workflows.keys) }

    /// A budget ready for admission.
    struct Budget: Sendable {
        var rule: BudgetRule
        var period: BudgetPeriod
        var limitNano: Int64
        /// Identity of the budget's counters: a reload keeps counters whose identity is unchanged.
        let identity: String

        init(rule: BudgetRule, period: BudgetPeriod, limitNano: Int64) {
            self.rule = rule
            self.period = period
            self.limitNano = limitNano
            self.identity = "\(rule.name)|\(rule.scope.text)|\(rule.period)"
        }
    }

    /// An agent limit ready for admission.
    struct AgentLimit: Sendable {
        var rule: AgentLimitRule
        var maxCostNano: Int64?
    }

    /// A policy ready for admission.
    struct Policy: Sendable {
        var rule: PolicyRule
        var redactor: PIIRedactor?
    }

    /// The largest limit accepted, USD 1e9: anything above is a typo.
    static let maxLimitNano: Int64 = 1_000_000_000 * Money.nanoPerUSD

    /// Checks and compiles governance settings.
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - models: Configured model names and aliases (for allowlists, downgrades and kill switches).
    ///   - providers: Configured provider names.
    ///   - path: Key path of the section, for messages.
    /// - Throws: ``ConfigurationError`` listing every problem with its key path; nothing is applied.
    public init(
        _ configuration: GovernanceConfiguration, models: Set<String>, providers: Set<String>, path: String = "governance"
    )
        throws(ConfigurationError)
    {
        var compiler = Compiler(models: models, providers: providers, path: path)
        let calendar = compiler.calendar(configuration)
        let (budgets, workflows) = compiler.budgets(configuration)
        compiler.checkRateLimits(configuration.rateLimits)
        let agentLimits = compiler.agentLimits(configuration.agentLimits)
        let policies = compiler.policies(configuration.policies)
        let switches = compiler.killSwitches(configuration.killSwitches)
        guard compiler.issues.isEmpty, let calendar else { throw ConfigurationError(issues: compiler.issues) }
        self.configuration = configuration
        self.calendar = calendar
        self.budgets = budgets
        self.rateLimits = configuration.rateLimits
        self.agentLimits = agentLimits
        self.policies = policies
        self.killSwitches = switches
        self.workflows = workflows
    }

    /// Rules that govern nothing.
    public static let none = try! GovernanceRules(GovernanceConfiguration(), models: [], providers: [])

    /// Whether nothing is governed.
    var isEmpty: Bool { !hasCounters && policies.isEmpty && killSwitches.isEmpty }

    /// Whether any budget, limit or agent limit needs counters.
    var hasCounters: Bool { !budgets.isEmpty || !rateLimits.isEmpty || !agentLimits.isEmpty }
}
