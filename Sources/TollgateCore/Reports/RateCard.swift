/// The internal rate card for chargeback: what each tier of team pays on top of list cost, and how
/// shared and unattributed cost is spread.
///
/// Lives under `reports.rate_card` in the configuration, or in its own YAML/JSON file
/// (`--rate-card FILE`, same keys). Percentages are exact decimal text (`"12.5"`), never floating point.
public struct RateCard: Sendable, Hashable, Decodable {
    /// Tiers by name.
    public var tiers: [String: Tier]
    /// The tier of teams not listed in ``teams``.
    public var defaultTier: String
    /// Team → tier.
    public var teams: [String: String]
    /// Teams whose own cost is shared (a platform team): it joins the unattributed pool and is spread over the others.
    public var sharedTeams: [String]
    /// How the pool of shared and unattributed cost is spread.
    public var allocation: AllocationRule
    /// Team → share, for ``AllocationRule/fixed`` (any non-negative decimals; they are normalised).
    public var fixedShares: [String: String]

    /// One tier's surcharges, as exact decimal percentages of list cost.
    public struct Tier: Sendable, Hashable, Decodable {
        /// Markup, percent of list cost.
        public var markupPercent: String
        /// Platform overhead, percent of list cost.
        public var overheadPercent: String

        /// Creates a tier.
        public init(markupPercent: String = "0", overheadPercent: String = "0") {
            self.markupPercent = markupPercent
            self.overheadPercent = overheadPercent
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case markupPercent = "markup_percent"
            case overheadPercent = "overhead_percent"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            markupPercent = try c.decimalTextIfPresent(forKey: .markupPercent) ?? "0"
            overheadPercent = try c.decimalTextIfPresent(forKey: .overheadPercent) ?? "0"
        }

        /// Markup plus overhead, in millionths of a percent.
        var surchargeMicroPercent: Int128 {
            (ExactDecimal.scaled(markupPercent, fractionalDigits: 6) ?? 0) + (ExactDecimal.scaled(overheadPercent, fractionalDigits: 6) ?? 0)
        }
    }

    /// Creates a rate card.
    public init(
        tiers: [String: Tier] = ["standard": Tier()], defaultTier: String = "standard", teams: [String: String] = [:],
        sharedTeams: [String] = [], allocation: AllocationRule = .proportional, fixedShares: [String: String] = [:]
    ) {
        self.tiers = tiers
        self.defaultTier = defaultTier
        self.teams = teams
        self.sharedTeams = sharedTeams
        self.allocation = allocation
        self.fixedShares = fixedShares
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tiers, teams, allocation
        case defaultTier = "default_tier"
        case sharedTeams = "shared_teams"
        case fixedShares = "fixed_shares"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        let d = RateCard()
        tiers = try c.decodeIfPresent([String: Tier].self, forKey: .tiers) ?? d.tiers
        defaultTier = try c.decodeIfPresent(String.self, forKey: .defaultTier) ?? (tiers.count == 1 ? tiers.keys.first! : d.defaultTier)
        teams = try c.decodeIfPresent([String: String].self, forKey: .teams) ?? [:]
        sharedTeams = try c.decodeIfPresent([String].self, forKey: .sharedTeams) ?? []
        allocation = try c.choice(AllocationRule.self, forKey: .allocation) ?? .proportional
        fixedShares = try c.decodeIfPresent(DecimalShares.self, forKey: .fixedShares)?.shares ?? [:]
        for problem in problems { try c.problem(problem) }
    }

    /// Checks tier references and fixed shares; throws the first problem.
    public func validate() throws(ReportError) {
        if let first = problems.first { throw ReportError(first) }
    }

    /// Every tier reference that names no tier and every percentage or share too precise to hold exactly.
    var problems: [String] {
        var found: [String] = []
        if tiers[defaultTier] == nil { found.append("rate_card.default_tier '\(defaultTier)' is not one of the tiers") }
        for (team, tier) in teams.sorted(by: { $0.key < $1.key }) where tiers[tier] == nil {
            found.append("rate_card.teams.\(team): tier '\(tier)' is not defined under rate_card.tiers")
        }
        for (name, tier) in tiers.sorted(by: { $0.key < $1.key }) {
            for (field, text) in [("markup_percent", tier.markupPercent), ("overhead_percent", tier.overheadPercent)]
            where ExactDecimal.scaled(text, fractionalDigits: 6) == nil {
                found.append("rate_card.tiers.\(name).\(field): '\(text)' has more than 6 decimal places")
            }
        }
        if allocation == .fixed && fixedShares.isEmpty {
            found.append("rate_card.allocation is fixed but rate_card.fixed_shares is empty")
        }
        for (team, share) in fixedShares.sorted(by: { $0.key < $1.key }) where ExactDecimal.scaled(share, fractionalDigits: 9) == nil {
            found.append("rate_card.fixed_shares.\(team): '\(share)' has more than 9 decimal places")
        }
        return found
    }

    /// The tier of a team.
    public func tier(of team: String) -> (name: String, tier: Tier) {
        let name = teams[team] ?? defaultTier
        return (name, tiers[name] ?? Tier())
    }
}

/// Team → share, each an exact decimal written as a number or a string.
private struct DecimalShares: Decodable {
    var shares: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in c.allKeys {
            do {
                shares[key.stringValue] = try c.decodeDecimalText(forKey: key)
            } catch {
                guard let collector = decoder.issueCollector else { throw error }
                collector.record(error)
            }
        }
    }
}
