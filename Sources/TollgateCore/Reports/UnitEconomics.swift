/// Outcome counts of a group over a period (outcomes are counted in the period their `occurred_at` falls in).
public struct OutcomeTotals: Sendable, Hashable, Codable {
    /// Outcomes reported (decisions), any status.
    public var outcomes: Int64 = 0
    /// Outcomes with status `success`.
    public var successes: Int64 = 0
    /// Outcomes with status `partial`.
    public var partials: Int64 = 0
    /// Outcomes with status `failure`.
    public var failures: Int64 = 0
    /// Σ over successes of quality (1 when not given) + Σ over partials of ½ × quality.
    public var qualityAdjusted: Double = 0
    /// Σ reported value, nano-USD.
    public var valueNanoUSD: Int64 = 0
    /// Outcomes a human reviewed.
    public var humanReviewed: Int64 = 0

    /// No outcomes.
    public init() {}

    /// Counts one outcome.
    public mutating func add(_ outcome: Outcome) throws(ReportError) {
        outcomes += 1
        switch outcome.status {
        case .success:
            successes += 1
            qualityAdjusted += outcome.quality ?? 1
        case .partial:
            partials += 1
            qualityAdjusted += 0.5 * (outcome.quality ?? 1)
        case .failure:
            failures += 1
        }
        if outcome.humanReviewed == true { humanReviewed += 1 }
        let (sum, overflow) = valueNanoUSD.addingReportingOverflow(outcome.valueNanoUSD ?? 0)
        if overflow { throw ReportError.overflow("the outcome value sum") }
        valueNanoUSD = sum
    }
}

/// Unit economics of one group over one period. Formulas are in `docs/metrics.md`; every ratio is nil when
/// its denominator is zero (shown as `-`, never as 0).
public struct UnitMetrics: Sendable, Hashable, Codable {
    /// Calls.
    public var calls: Int64
    /// All tokens.
    public var tokens: Int64
    /// Known cost, nano-USD.
    public var costNanoUSD: Int64
    /// Calls with unknown cost.
    public var unpricedCalls: Int64
    /// Decisions (outcomes of any status).
    public var outcomes: Int64
    /// Successful outcomes.
    public var successes: Int64
    /// Σ value, nano-USD.
    public var valueNanoUSD: Int64
    /// cost ÷ calls, nano-USD (rounded half up).
    public var costPerCallNanoUSD: Int64?
    /// successes ÷ outcomes.
    public var successRate: Double?
    /// cost ÷ outcomes, nano-USD.
    public var costPerOutcomeNanoUSD: Int64?
    /// cost ÷ successes, nano-USD.
    public var costPerSuccessNanoUSD: Int64?
    /// Quality-adjusted outcomes.
    public var qualityAdjustedOutcomes: Double
    /// tokens ÷ outcomes.
    public var tokensPerDecision: Double?
    /// successes ÷ period hours.
    public var decisionThroughputPerHour: Double
    /// value ÷ cost (USD of value per USD of spend).
    public var valuePerDollar: Double?
    /// input cost ÷ cost.
    public var inputShare: Double?
    /// value (USD) × throughput (per hour) ÷ tokens (millions).
    public var valueAdjustedThroughputIndex: Double?
    /// Outcomes a human reviewed ÷ outcomes.
    public var humanReviewRate: Double? = nil

    /// Computes the metrics.
    public static func compute(spend: SpendMeasures, outcomes: OutcomeTotals, hours: Double) -> UnitMetrics {
        func perNano(_ amount: Int64, _ count: Int64) -> Int64? {
            guard count > 0 else { return nil }
            let (q, r) = Int128(amount).quotientAndRemainder(dividingBy: Int128(count))
            return Int64(r * 2 >= Int128(count) ? q + 1 : q)
        }
        let tokens = spend.totalTokens
        let throughput = hours > 0 ? Double(outcomes.successes) / hours : 0
        let valueUSD = Double(outcomes.valueNanoUSD) / 1e9
        return UnitMetrics(
            calls: spend.calls, tokens: tokens, costNanoUSD: spend.costNanoUSD, unpricedCalls: spend.unpricedCalls,
            outcomes: outcomes.outcomes, successes: outcomes.successes, valueNanoUSD: outcomes.valueNanoUSD,
            costPerCallNanoUSD: perNano(spend.costNanoUSD, spend.calls),
            successRate: outcomes.outcomes > 0 ? Double(outcomes.successes) / Double(outcomes.outcomes) : nil,
            costPerOutcomeNanoUSD: perNano(spend.costNanoUSD, outcomes.outcomes),
            costPerSuccessNanoUSD: perNano(spend.costNanoUSD, outcomes.successes),
            qualityAdjustedOutcomes: outcomes.qualityAdjusted,
            tokensPerDecision: outcomes.outcomes > 0 ? Double(tokens) / Double(outcomes.outcomes) : nil,
            decisionThroughputPerHour: throughput,
            valuePerDollar: spend.costNanoUSD > 0 ? Double(outcomes.valueNanoUSD) / Double(spend.costNanoUSD) : nil,
            inputShare: spend.costNanoUSD > 0 ? Double(spend.inputCostNanoUSD) / Double(spend.costNanoUSD) : nil,
            valueAdjustedThroughputIndex: tokens > 0 ? valueUSD * throughput / (Double(tokens) / 1e6) : nil,
            humanReviewRate: outcomes.outcomes > 0 ? Double(outcomes.humanReviewed) / Double(outcomes.outcomes) : nil)
    }

    /// Relative change from `previous` to `current`: (current − previous) ÷ previous; nil when either is
    /// missing or previous is zero.
    public static func trend(_ current: Double?, _ previous: Double?) -> Double? {
        guard let current, let previous, previous != 0 else { return nil }
        return (current - previous) / abs(previous)
    }
}

/// One group's unit economics now and in the previous period of equal length.
public struct UnitRow: Sendable, Hashable, Codable {
    /// The group value; nil is unattributed.
    public var group: String?
    /// This period.
    public var current: UnitMetrics
    /// The previous period.
    public var previous: UnitMetrics

    /// Creates a row.
    public init(group: String?, current: UnitMetrics, previous: UnitMetrics) {
        self.group = group
        self.current = current
        self.previous = previous
    }
}
