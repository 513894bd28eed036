extension GatewayConfiguration {
    /// Governance scopes that name a model or a provider the file does not configure: such a rule
    /// could never match a call. (Rate limits' providers, allowlists, downgrades and kill switches are
    /// checked with the governance rules.)
    public var referenceIssues: [ConfigurationError.Issue] {
        let models = Set(self.models.flatMap { [$0.name] + $0.aliases })
        let providers = Set(self.providers.map(\.name))
        var issues: [ConfigurationError.Issue] = []
        for (path, scope) in governanceScopes {
            if case .equals(let model)? = scope.conditions[.model], !models.contains(model) {
                issues.append(.init(path: "\(path).model", message: "unknown model '\(model)'"))
            }
            if !path.hasPrefix("governance.rate_limits"), case .equals(let provider)? = scope.conditions[.provider], !providers.contains(provider) {
                issues.append(.init(path: "\(path).provider", message: "unknown provider '\(provider)'"))
            }
        }
        return issues
    }

    /// Teams that governance, the workflow registry or the rate card name but no key of the file
    /// belongs to. Not an error (keys created through the admin API may carry them), but often a typo.
    public var teamWarnings: [ConfigurationError.Issue] {
        let teams = Set(keys.compactMap(\.team))
        var references: [(String, String)] = []
        for (path, scope) in governanceScopes {
            if case .equals(let team)? = scope.conditions[.team] { references.append(("\(path).team", team)) }
        }
        for (i, workflow) in governance.workflows.enumerated() {
            if let team = workflow.team { references.append(("governance.workflows[\(i)].team", team)) }
        }
        if let card = reports.rateCard {
            for team in card.teams.keys.sorted() { references.append(("reports.rate_card.teams.\(team)", team)) }
            for (i, team) in card.sharedTeams.enumerated() { references.append(("reports.rate_card.shared_teams[\(i)]", team)) }
            for team in card.fixedShares.keys.sorted() { references.append(("reports.rate_card.fixed_shares.\(team)", team)) }
        }
        return references.filter { !teams.contains($0.1) }.map {
            ConfigurationError.Issue(
                path: $0.0, message: "no key in this file has team '\($0.1)' (only keys created through the admin API can match it)")
        }
    }

    /// Every governance scope, with its key path.
    var governanceScopes: [(String, GovernanceScope)] {
        var scopes: [(String, GovernanceScope)] = []
        for (i, rule) in governance.budgets.enumerated() { scopes.append(("governance.budgets[\(i)].scope", rule.scope)) }
        for (i, rule) in governance.rateLimits.enumerated() { scopes.append(("governance.rate_limits[\(i)].scope", rule.scope)) }
        for (i, rule) in governance.agentLimits.enumerated() { scopes.append(("governance.agent_limits[\(i)].scope", rule.scope)) }
        for (i, rule) in governance.policies.enumerated() { scopes.append(("governance.policies[\(i)].match", rule.match)) }
        return scopes
    }
}
