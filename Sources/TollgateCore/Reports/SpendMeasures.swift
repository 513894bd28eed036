/// Additive spend measures over a set of ledger entries (what one rollup row, or a sum of them, holds).
///
/// Every field is a plain sum, so measures of disjoint sets add exactly. Money is nano-USD; additions
/// are overflow-checked.
public struct SpendMeasures: Sendable, Hashable, Codable {
    /// Calls: ledger entries other than `blocked` ones (a call governance refused never reached a provider).
    public var calls: Int64 = 0
    /// Uncached input tokens.
    public var inputUncached: Int64 = 0
    /// Cache-read input tokens.
    public var cacheRead: Int64 = 0
    /// Cache-write input tokens (all TTLs).
    public var cacheWrite: Int64 = 0
    /// Output tokens, reasoning included (as the ledger records them: pricing bills `output − reasoning`
    /// at the output rate and `reasoning` at the reasoning rate).
    public var output: Int64 = 0
    /// Reasoning tokens: the part of ``output`` the model spent thinking.
    public var reasoning: Int64 = 0
    /// Known cost (priced and estimated entries), nano-USD. Unpriced entries add nothing here.
    public var costNanoUSD: Int64 = 0
    /// Cost of input (uncached + cache reads + cache writes), nano-USD.
    public var inputCostNanoUSD: Int64 = 0
    /// Entries whose cost is unknown (no price).
    public var unpricedCalls: Int64 = 0
    /// Entries priced from estimated usage.
    public var estimatedCalls: Int64 = 0
    /// Calls that did not succeed (status other than `ok`, `cached` and `blocked`).
    public var failedCalls: Int64 = 0
    /// Known cost of entries tagged with a workflow, nano-USD.
    public var workflowTaggedCostNanoUSD: Int64 = 0
    /// Calls with full attribution (team, app, workflow, environment and cost centre all set).
    public var fullyAttributedCalls: Int64 = 0
    /// Calls governance refused (budget, rate limit, policy, kill switch: `blocked` entries). Not in ``calls``;
    /// they reached no provider and cost nothing.
    public var refusedCalls: Int64 = 0

    /// Empty measures.
    public init() {}

    /// Creates measures.
    public init(
        calls: Int64, inputUncached: Int64 = 0, cacheRead: Int64 = 0, cacheWrite: Int64 = 0, output: Int64 = 0, reasoning: Int64 = 0,
        costNanoUSD: Int64 = 0, inputCostNanoUSD: Int64 = 0, unpricedCalls: Int64 = 0, estimatedCalls: Int64 = 0,
        failedCalls: Int64 = 0, workflowTaggedCostNanoUSD: Int64 = 0, fullyAttributedCalls: Int64 = 0, refusedCalls: Int64 = 0
    ) {
        self.refusedCalls = refusedCalls
        self.calls = calls
        self.inputUncached = inputUncached
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
        self.costNanoUSD = costNanoUSD
        self.inputCostNanoUSD = inputCostNanoUSD
        self.unpricedCalls = unpricedCalls
        self.estimatedCalls = estimatedCalls
        self.failedCalls = failedCalls
        self.workflowTaggedCostNanoUSD = workflowTaggedCostNanoUSD
        self.fullyAttributedCalls = fullyAttributedCalls
    }

    /// All input tokens (uncached, cache reads, cache writes).
    public var inputTokens: Int64 { inputUncached &+ cacheRead &+ cacheWrite }
    /// All tokens, input and output; reasoning is counted once, inside ``output``.
    public var totalTokens: Int64 { inputTokens &+ output }

    /// Adds `other`, failing instead of wrapping.
    public mutating func add(_ other: SpendMeasures) throws(ReportError) {
        func sum(_ a: Int64, _ b: Int64, _ what: String) throws(ReportError) -> Int64 {
            let (s, o) = a.addingReportingOverflow(b)
            if o { throw ReportError.overflow(what) }
            return s
        }
        calls = try sum(calls, other.calls, "a call count")
        inputUncached = try sum(inputUncached, other.inputUncached, "a token sum")
        cacheRead = try sum(cacheRead, other.cacheRead, "a token sum")
        cacheWrite = try sum(cacheWrite, other.cacheWrite, "a token sum")
        output = try sum(output, other.output, "a token sum")
        reasoning = try sum(reasoning, other.reasoning, "a token sum")
        costNanoUSD = try sum(costNanoUSD, other.costNanoUSD, "the cost sum")
        inputCostNanoUSD = try sum(inputCostNanoUSD, other.inputCostNanoUSD, "the input cost sum")
        unpricedCalls = try sum(unpricedCalls, other.unpricedCalls, "a call count")
        estimatedCalls = try sum(estimatedCalls, other.estimatedCalls, "a call count")
        failedCalls = try sum(failedCalls, other.failedCalls, "a call count")
        workflowTaggedCostNanoUSD = try sum(workflowTaggedCostNanoUSD, other.workflowTaggedCostNanoUSD, "the cost sum")
        fullyAttributedCalls = try sum(fullyAttributedCalls, other.fullyAttributedCalls, "a call count")
        refusedCalls = try sum(refusedCalls, other.refusedCalls, "a call count")
    }

    /// The sum of many measures.
    public static func total(_ all: some Sequence<SpendMeasures>) throws(ReportError) -> SpendMeasures {
        var out = SpendMeasures()
        for m in all { try out.add(m) }
        return out
    }
}

/// A dimension reports group by. Every one is a rollup column.
public enum ReportDimension: String, Sendable, Hashable, Codable, CaseIterable {
    case team, app, workflow, customer, environment
    case costCenter = "cost_center"
    case provider
    /// The served (upstream) model: the rollups keep the model the provider ran, not the configured name.
    case model
    case status, pricing

    /// The attribution dimension grouped by (the names agree), or nil for the provider, model, status and pricing.
    public var attribution: Attribution.Dimension? { Attribution.Dimension(rawValue: rawValue) }

    /// The dimensions a report may group by, for help text.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Parses `team` or `team,workflow` (one or two distinct dimensions).
    public static func parseList(_ text: String) throws(ReportError) -> [ReportDimension] {
        let parts = text.split(separator: ",").map { String($0).trimmingWhitespace() }
        guard (1...2).contains(parts.count) else { throw ReportError("--by takes one or two dimensions, e.g. team or team,workflow") }
        var out: [ReportDimension] = []
        for part in parts {
            guard let d = ReportDimension(rawValue: String(part)) else {
                throw ReportError("--by: unknown dimension '\(part)' (one of: \(names))")
            }
            guard !out.contains(d) else { throw ReportError("--by: '\(part)' is given twice") }
            out.append(d)
        }
        return out
    }
}

/// Spend of one group: the dimension values (nil is the unattributed bucket) and the measures.
public struct GroupedSpend: Sendable, Hashable, Codable {
    /// One value per grouped dimension; nil means not attributed on that dimension.
    public var keys: [String?]
    /// The group's measures.
    public var measures: SpendMeasures

    /// Creates a group.
    public init(keys: [String?], measures: SpendMeasures) {
        self.keys = keys
        self.measures = measures
    }

    /// The name of the bucket for a missing value.
    public static let unattributed = "(unattributed)"

    /// Keys as shown: nil becomes ``unattributed``.
    public var labels: [String] { keys.map { $0 ?? Self.unattributed } }
}
