/// A registered workflow: who owns it and what it may spend.
public struct WorkflowDefinition: Sendable, Hashable, Decodable {
    /// The workflow's name (the `workflow` attribution value).
    public var name: String
    /// Owner (a person or a group).
    public var owner: String
    /// Owning team.
    public var team: String?
    /// Cost centre.
    public var costCenter: String?
    /// Model tier, e.g. `economy`, `standard`, `frontier`.
    public var modelTier: String?
    /// Monthly budget in USD (exact decimal text); becomes a strict, blocking budget on the workflow.
    public var budgetUSD: String?
    /// The outcome that measures it, e.g. `ticket_resolved`.
    public var outcomeMetric: String?

    /// Creates a workflow definition.
    public init(
        name: String, owner: String, team: String? = nil, costCenter: String? = nil, modelTier: String? = nil,
        budgetUSD: String? = nil, outcomeMetric: String? = nil
    ) {
        self.name = name
        self.owner = owner
        self.team = team
        self.costCenter = costCenter
        self.modelTier = modelTier
        self.budgetUSD = budgetUSD
        self.outcomeMetric = outcomeMetric
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, owner, team
        case costCenter = "cost_center"
        case modelTier = "model_tier"
        case budgetUSD = "budget_usd"
        case outcomeMetric = "outcome_metric"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, else: "")
        owner = try c.decode(String.self, forKey: .owner, else: "")
        team = try c.decodeIfPresent(String.self, forKey: .team)
        costCenter = try c.decodeIfPresent(String.self, forKey: .costCenter)
        modelTier = try c.decodeIfPresent(String.self, forKey: .modelTier)
        budgetUSD = try c.decimalTextIfPresent(forKey: .budgetUSD)
        outcomeMetric = try c.decodeIfPresent(String.self, forKey: .outcomeMetric)
    }
}
