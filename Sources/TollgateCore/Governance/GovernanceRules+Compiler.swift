extension GovernanceRules {
    /// Checks each section of the settings and compiles it, collecting every problem with its key path.
    struct Compiler {
        let models: Set<String>
        let providers: Set<String>
        let path: String
        var issues: [ConfigurationError.Issue] = []

        init(models: Set<String>, providers: Set<String>, path: String) {
            self.models = models
            self.providers = providers
            self.path = path
        }

        mutating func issue(_ p: String, _ message: String) { issues.append(.init(path: "\(path).\(p)", message: message)) }

        /// A USD limit in nano-USD, when it is a plausible positive amount.
        mutating func limit(_ text: String, at p: String) -> Int64? {
            guard let nano = Money.parseUSD(text) else {
                issue(p, "'\(text)' is not an amount in USD with at most 9 decimals")
                return nil
            }
            if nano <= 0 {
                issue(p, "must be greater than 0")
                return nil
            }
            if nano > GovernanceRules.maxLimitNano {
                issue(p, "\(text) USD is not a plausible limit (at most 1000000000)")
                return nil
            }
            return nano
        }

        /// The calendar periods begin in; also checks the alert webhook.
        mutating func calendar(_ configuration: GovernanceConfiguration) -> PeriodCalendar? {
            let weekday: PeriodCalendar.Weekday
            switch configuration.weekStart.lowercased() {
            case "monday": weekday = .monday
            case "sunday": weekday = .sunday
            default:
                weekday = .monday
                issue("week_start", "'\(configuration.weekStart)' is not monday or sunday")
            }
            var calendar: PeriodCalendar?
            do {
                calendar = try PeriodCalendar(timeZone: configuration.timeZone, firstWeekday: weekday)
            } catch {
                issue("time_zone", "'\(configuration.timeZone)' is not a known time zone (use an IANA name such as Europe/Berlin)")
            }
            if let webhook = configuration.alerts.webhook, !(webhook.hasPrefix("http://") || webhook.hasPrefix("https://")) {
                issue("alerts.webhook", "'\(webhook)' is not an http(s) URL")
            }
            return calendar
        }

        /// The budgets (the registered workflows' own included) and the workflow registry.
        mutating func budgets(_ configuration: GovernanceConfiguration) -> ([Budget], [String: WorkflowDefinition]) {
            var budgets: [Budget] = []
            var names: Set<String> = []
            for (i, rule) in configuration.budgets.enumerated() {
                if let budget = budget(rule, at: "budgets[\(i)]", names: &names) { budgets.append(budget) }
            }
            var workflows: [String: WorkflowDefinition] = [:]
            for (i, workflow) in configuration.workflows.enumerated() {
                let p = "workflows[\(i)]"
                if workflow.name.isEmpty { issue("\(p).name", "must not be empty") }
                if workflows[workflow.name] != nil { issue("\(p).name", "duplicate workflow '\(workflow.name)'") }
                if workflow.owner.isEmpty { issue("\(p).owner", "every registered workflow needs an owner") }
                workflows[workflow.name] = workflow
                if let text = workflow.budgetUSD, let nano = limit(text, at: "\(p).budget_usd") {
                    let name = "workflow:\(workflow.name)"
                    if !names.insert(name).inserted { issue("\(p).budget_usd", "a budget named '\(name)' already exists") }
                    let rule = BudgetRule(name: name, scope: GovernanceScope([.workflow: .equals(workflow.name)]), period: "month", limitUSD: text)
                    budgets.append(Budget(rule: rule, period: .month, limitNano: nano))
                }
            }
            return (budgets, workflows)
        }

        mutating func budget(_ rule: BudgetRule, at p: String, names: inout Set<String>) -> Budget? {
            if rule.name.isEmpty { issue("\(p).name", "must not be empty") }
            if !names.insert(rule.name).inserted { issue("\(p).name", "duplicate budget name '\(rule.name)'") }
            let period = BudgetPeriod(text: rule.period)
            if period == nil {
                issue("\(p).period", "'\(rule.period)' is not a period (day, week, month, quarter, year, lifetime, or rolling 24h)")
            }
            if case .rolling(let seconds)? = period, seconds < 60 { issue("\(p).period", "a rolling period must be at least 1m") }
            let nano = limit(rule.limitUSD, at: "\(p).limit_usd")
            for (j, threshold) in rule.thresholds.enumerated() where threshold < 1 || threshold > 1_000 {
                issue("\(p).thresholds[\(j)]", "\(threshold) is not a percentage between 1 and 1000")
            }
            switch rule.action {
            case .block:
                if rule.downgradeTo != nil { issue("\(p).downgrade_to", "only allowed with action: downgrade") }
            case .downgrade:
                if let target = rule.downgradeTo {
                    if !models.contains(target) { issue("\(p).downgrade_to", "unknown model '\(target)'") }
                } else {
                    issue("\(p).downgrade_to", "action: downgrade needs a model to downgrade to")
                }
            }
            guard let period, let nano else { return nil }
            return Budget(rule: rule, period: period, limitNano: nano)
        }

        mutating func checkRateLimits(_ rules: [RateLimitRule]) {
            var names: Set<String> = []
            for (i, rule) in rules.enumerated() {
                let p = "rate_limits[\(i)]"
                if !names.insert(rule.name).inserted { issue("\(p).name", "duplicate rate limit name '\(rule.name)'") }
                let values: [(String, Int64?)] = [
                    ("requests_per_minute", rule.requestsPerMinute), ("tokens_per_minute", rule.tokensPerMinute),
                    ("requests_per_day", rule.requestsPerDay), ("tokens_per_day", rule.tokensPerDay),
                ]
                if values.allSatisfy({ $0.1 == nil }) {
                    issue(p, "set at least one of requests_per_minute, tokens_per_minute, requests_per_day, tokens_per_day")
                }
                for (key, value) in values {
                    guard let value else { continue }
                    if value < 1 { issue("\(p).\(key)", "must be at least 1") }
                    if value > 1_000_000_000_000 { issue("\(p).\(key)", "\(value) is not a plausible limit") }
                }
                if case .equals(let name)? = rule.scope.conditions[.provider], !providers.contains(name) {
                    issue("\(p).scope.provider", "unknown provider '\(name)'")
                }
            }
        }

        mutating func agentLimits(_ rules: [AgentLimitRule]) -> [AgentLimit] {
            rules.enumerated().map { i, rule in
                let p = "agent_limits[\(i)]"
                if rule.maxCalls == nil && rule.maxTokens == nil && rule.maxCostUSD == nil && rule.maxDuration == nil {
                    issue(p, "set at least one of max_calls, max_tokens, max_cost_usd, max_duration")
                }
                if let calls = rule.maxCalls, calls < 1 { issue("\(p).max_calls", "must be at least 1") }
                if let tokens = rule.maxTokens, tokens < 1 { issue("\(p).max_tokens", "must be at least 1") }
                if let duration = rule.maxDuration, duration <= .zero { issue("\(p).max_duration", "must be positive") }
                return AgentLimit(rule: rule, maxCostNano: rule.maxCostUSD.flatMap { limit($0, at: "\(p).max_cost_usd") })
            }
        }

        mutating func policies(_ rules: [PolicyRule]) -> [Policy] {
            rules.enumerated().map { i, rule in
                let p = "policies[\(i)]"
                for (j, model) in (rule.allowModels ?? []).enumerated() where !models.contains(model) {
                    issue("\(p).allow_models[\(j)]", "unknown model '\(model)'")
                }
                for (key, value) in [
                    ("max_input_tokens", rule.maxInputTokens), ("default_max_tokens", rule.defaultMaxTokens),
                    ("max_output_tokens", rule.maxOutputTokens),
                ] {
                    if let value, value < 1 || value > 100_000_000 { issue("\(p).\(key)", "\(value) is not between 1 and 100000000") }
                }
                if let d = rule.defaultMaxTokens, let m = rule.maxOutputTokens, d > m {
                    issue("\(p).default_max_tokens", "\(d) is above max_output_tokens (\(m))")
                }
                return Policy(rule: rule, redactor: rule.redact.flatMap { redactor($0, at: "\(p).redact") })
            }
        }

        mutating func redactor(_ redact: PolicyRule.Redaction, at p: String) -> PIIRedactor? {
            var kinds: Set<PIIRedactor.Kind> = []
            for (j, kind) in redact.kinds.enumerated() {
                if let k = PIIRedactor.Kind(rawValue: kind), k != .custom {
                    kinds.insert(k)
                } else {
                    issue("\(p).kinds[\(j)]", "'\(kind)' is not one of email, phone, card, iban, ssn")
                }
            }
            var patterns: [PIIRedactor.Pattern] = []
            for (j, pattern) in redact.patterns.enumerated() {
                do {
                    patterns.append(try PIIRedactor.Pattern(name: pattern.name, regex: pattern.regex))
                } catch {
                    issue("\(p).patterns[\(j)].regex", "\(error)")
                }
            }
            return kinds.isEmpty && patterns.isEmpty ? nil : PIIRedactor(kinds: kinds, patterns: patterns)
        }

        mutating func killSwitches(_ kills: [KillSwitch]) -> [KillSwitch.Target: KillSwitch] {
            var switches: [KillSwitch.Target: KillSwitch] = [:]
            for (i, kill) in kills.enumerated() {
                let p = "kill_switches[\(i)]"
                switch kill.target.kind {
                case .model where !models.contains(kill.target.name): issue("\(p).model", "unknown model '\(kill.target.name)'")
                case .provider where !providers.contains(kill.target.name): issue("\(p).provider", "unknown provider '\(kill.target.name)'")
                default: break
                }
                if kill.reason.isEmpty { issue("\(p).reason", "say why, so callers know") }
                switches[kill.target] = kill
            }
            return switches
        }
    }
}
