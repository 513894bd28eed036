/// What the levers saved for one group of calls over a period, from each entry's own counterfactual:
/// gross is what the calls would have cost without the levers (their cost plus what a lever saved on
/// each), so savings are never summed from headline rates and never counted twice.
public struct SavingsRow: Sendable, Hashable {
    /// The group (a workflow, team, model or lever name); nil for calls without one (for `lever`: calls no lever acted on).
    public var group: String?
    /// Calls recorded (refusals excluded).
    public var calls: Int64
    /// Calls a lever acted on.
    public var leverCalls: Int64
    /// Calls served from the response cache.
    public var cacheHits: Int64
    /// What the calls cost, nano-USD (unpriced calls count 0 and are counted in ``unpricedCalls``).
    public var actualNanoUSD: Int64
    /// What the levers saved, nano-USD.
    public var savedNanoUSD: Int64
    /// Calls whose cost is unknown.
    public var unpricedCalls: Int64
    /// Calls a lever acted on whose saving could not be priced.
    public var unpricedSavings: Int64

    /// Creates a row.
    public init(
        group: String?, calls: Int64, leverCalls: Int64, cacheHits: Int64, actualNanoUSD: Int64, savedNanoUSD: Int64, unpricedCalls: Int64 = 0,
        unpricedSavings: Int64 = 0
    ) {
        self.group = group
        self.calls = calls
        self.leverCalls = leverCalls
        self.cacheHits = cacheHits
        self.actualNanoUSD = actualNanoUSD
        self.savedNanoUSD = savedNanoUSD
        self.unpricedCalls = unpricedCalls
        self.unpricedSavings = unpricedSavings
    }

    /// What the calls would have cost without the levers.
    public var grossNanoUSD: Int64 { actualNanoUSD + savedNanoUSD }

    /// The share of the gross cost the levers saved; nil when the gross is 0.
    public var savedShare: Double? { grossNanoUSD > 0 ? Double(savedNanoUSD) / Double(grossNanoUSD) : nil }

    /// The share of calls served from the cache; nil without calls.
    public var cacheHitRate: Double? { calls > 0 ? Double(cacheHits) / Double(calls) : nil }

    /// The rows summed (the total line).
    public static func total(_ rows: [SavingsRow]) -> SavingsRow {
        rows.reduce(into: SavingsRow(group: nil, calls: 0, leverCalls: 0, cacheHits: 0, actualNanoUSD: 0, savedNanoUSD: 0)) { t, r in
            t.calls += r.calls
            t.leverCalls += r.leverCalls
            t.cacheHits += r.cacheHits
            t.actualNanoUSD += r.actualNanoUSD
            t.savedNanoUSD += r.savedNanoUSD
            t.unpricedCalls += r.unpricedCalls
            t.unpricedSavings += r.unpricedSavings
        }
    }
}

/// What `report savings` groups by.
public enum SavingsGrouping: String, Sendable, Hashable, CaseIterable {
    case workflow, team, model
    /// The lever that acted (`cache`); calls no lever acted on form their own group.
    case lever
}
