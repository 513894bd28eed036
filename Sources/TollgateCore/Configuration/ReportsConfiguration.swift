/// The `reports:` section: KPI targets and the chargeback rate card.
///
/// ```yaml
/// reports:
///   targets: {attribution_coverage: 0.95, audit_completeness: 0.95, max_unpriced_calls: 0}
///   rate_card:
///     tiers: {standard: {markup_percent: "10"}, premium: {markup_percent: "5", overhead_percent: "2.5"}}
///     default_tier: standard
///     teams: {support: premium}
///     shared_teams: [platform]
///     allocation: proportional
/// ```
public struct ReportsConfiguration: Sendable, Hashable, Decodable {
    /// KPI targets.
    public var targets: Targets
    /// The chargeback rate card, if configured.
    public var rateCard: RateCard?

    /// Creates the section.
    public init(targets: Targets = .init(), rateCard: RateCard? = nil) {
        self.targets = targets
        self.rateCard = rateCard
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case targets
        case rateCard = "rate_card"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        targets = try c.decodeIfPresent(Targets.self, forKey: .targets) ?? .init()
        rateCard = try c.decodeIfPresent(RateCard.self, forKey: .rateCard)
    }

    /// KPI targets. Ratios are fractions (0.95 = 95 %). A target left out has its default; an optional one
    /// left out makes its KPI informational (no pass or fail).
    public struct Targets: Sendable, Hashable, Decodable {
        /// Least share of known spend tagged with a workflow (default 0.95).
        public var attributionCoverage: Double
        /// Least share of entries with full attribution (default 0.95).
        public var auditCompleteness: Double
        /// Largest allowed rise of cost per successful outcome over the previous period (default 0: flat or down).
        public var costPerSuccessMaxIncrease: Double
        /// Largest allowed drop of decision throughput against the previous period (default 0: flat or up).
        public var throughputMaxDecrease: Double
        /// Largest allowed rise of tokens per successful outcome (default 0: flat or down).
        public var tokenEfficiencyMaxIncrease: Double
        /// Most unpriced calls allowed (default 0).
        public var maxUnpricedCalls: Int64
        /// Largest input share of spend, if targeted.
        public var maxInputShare: Double?
        /// Least cache hit rate, if targeted.
        public var minCacheHitRate: Double?
        /// Largest budget variance (default 0.05); applies once budgets exist.
        public var budgetVariance: Double

        /// Creates targets.
        public init(
            attributionCoverage: Double = 0.95, auditCompleteness: Double = 0.95, costPerSuccessMaxIncrease: Double = 0,
            throughputMaxDecrease: Double = 0, tokenEfficiencyMaxIncrease: Double = 0, maxUnpricedCalls: Int64 = 0,
            maxInputShare: Double? = nil, minCacheHitRate: Double? = nil, budgetVariance: Double = 0.05
        ) {
            self.attributionCoverage = attributionCoverage
            self.auditCompleteness = auditCompleteness
            self.costPerSuccessMaxIncrease = costPerSuccessMaxIncrease
            self.throughputMaxDecrease = throughputMaxDecrease
            self.tokenEfficiencyMaxIncrease = tokenEfficiencyMaxIncrease
            self.maxUnpricedCalls = maxUnpricedCalls
            self.maxInputShare = maxInputShare
            self.minCacheHitRate = minCacheHitRate
            self.budgetVariance = budgetVariance
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case attributionCoverage = "attribution_coverage"
            case auditCompleteness = "audit_completeness"
            case costPerSuccessMaxIncrease = "cost_per_success_max_increase"
            case throughputMaxDecrease = "throughput_max_decrease"
            case tokenEfficiencyMaxIncrease = "token_efficiency_max_increase"
            case maxUnpricedCalls = "max_unpriced_calls"
            case maxInputShare = "max_input_share"
            case minCacheHitRate = "min_cache_hit_rate"
            case budgetVariance = "budget_variance"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            let d = Targets()
            func ratio(_ key: CodingKeys) throws -> Double? {
                guard let value = try c.decodeIfPresent(Double.self, forKey: key) else { return nil }
                guard value >= 0 && value <= 1 else {
                    try c.problem(key, "must be a fraction between 0 and 1, got \(value)")
                    return nil
                }
                return value
            }
            attributionCoverage = try ratio(.attributionCoverage) ?? d.attributionCoverage
            auditCompleteness = try ratio(.auditCompleteness) ?? d.auditCompleteness
            costPerSuccessMaxIncrease = try ratio(.costPerSuccessMaxIncrease) ?? d.costPerSuccessMaxIncrease
            throughputMaxDecrease = try ratio(.throughputMaxDecrease) ?? d.throughputMaxDecrease
            tokenEfficiencyMaxIncrease = try ratio(.tokenEfficiencyMaxIncrease) ?? d.tokenEfficiencyMaxIncrease
            maxUnpricedCalls = try c.decodeIfPresent(Int64.self, forKey: .maxUnpricedCalls) ?? d.maxUnpricedCalls
            maxInputShare = try ratio(.maxInputShare)
            minCacheHitRate = try ratio(.minCacheHitRate)
            budgetVariance = try ratio(.budgetVariance) ?? d.budgetVariance
        }
    }
}
