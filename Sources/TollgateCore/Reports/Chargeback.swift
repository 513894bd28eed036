/// Chargeback: list cost per team, the pool of shared and unattributed cost spread by a rule, and the
/// rate card's surcharges on top.
///
/// Exactness: every team's list cost is its direct cost plus its allocated share; the allocated shares
/// sum to the pool exactly (largest remainder), so the list costs sum to the ledger's known cost to the nano
/// (unless there is no team to allocate to, when the pool is reported as ``Chargeback/unallocatedNanoUSD``).
public struct Chargeback: Sendable, Hashable, Codable {
    /// One team's line.
    public struct Line: Sendable, Hashable, Codable {
        /// The team.
        public var team: String
        /// Its rate-card tier.
        public var tier: String
        /// Its own known cost, nano-USD.
        public var directNanoUSD: Int64
        /// Its share of the shared and unattributed pool, nano-USD.
        public var allocatedNanoUSD: Int64
        /// Direct plus allocated: the list cost, nano-USD.
        public var listNanoUSD: Int64
        /// Markup and overhead on the list cost, nano-USD (rounded half away from zero, per team).
        public var surchargeNanoUSD: Int64
        /// List plus surcharge: what the team is charged, nano-USD.
        public var chargedNanoUSD: Int64
        /// Its calls.
        public var calls: Int64
        /// Its calls with no known cost (not in any amount).
        public var unpricedCalls: Int64
        /// Its calls governance refused (not in ``calls``; they cost nothing).
        public var refusedCalls: Int64 = 0
    }

    /// A part of the pool: a shared team's own cost, or the unattributed spend, and what was redistributed of it.
    public struct PoolLine: Sendable, Hashable, Codable {
        /// The shared team; nil is the unattributed spend (calls with no team).
        public var team: String?
        /// Its served calls.
        public var calls: Int64
        /// Its calls with no known cost.
        public var unpricedCalls: Int64
        /// Its refused calls.
        public var refusedCalls: Int64
        /// Its own known cost, nano-USD.
        public var directNanoUSD: Int64
        /// What was spread over the charged teams: its whole cost, or 0 when nobody could receive it, nano-USD.
        public var redistributedNanoUSD: Int64

        /// `shared` or `unattributed`.
        public var kind: String { team == nil ? "unattributed" : "shared" }
    }

    /// Teams that are charged, by name.
    public var lines: [Line]
    /// The pool's parts: shared teams by name, then the unattributed spend (only those with calls or cost).
    public var pool: [PoolLine] = []
    /// Shared teams of the rate card with no calls in the period (a misspelt or retired team, most likely).
    public var absentSharedTeams: [String] = []
    /// The pool: unattributed cost plus the cost of shared teams, nano-USD.
    public var poolNanoUSD: Int64
    /// Pool cost nobody could be charged for (no receiving team), nano-USD.
    public var unallocatedNanoUSD: Int64
    /// The ledger's known cost in the period, nano-USD.
    public var ledgerNanoUSD: Int64
    /// Calls with no known cost in the period (all teams, shared and unattributed included).
    public var unpricedCalls: Int64
    /// The rule used.
    public var rule: AllocationRule

    /// Builds the chargeback from spend grouped by team.
    /// - Parameters:
    ///   - byTeam: Spend per team (`keys[0]`; nil is unattributed).
    ///   - rateCard: Tiers, shared teams and the allocation rule.
    ///   - rule: Overrides the rate card's rule.
    public static func compute(byTeam: [GroupedSpend], rateCard: RateCard, rule: AllocationRule? = nil) throws(ReportError) -> Chargeback {
        let rule = rule ?? rateCard.allocation
        let shared = Set(rateCard.sharedTeams)
        var direct: [String: SpendMeasures] = [:]
        var poolParts: [String?: SpendMeasures] = [:]
        var pool: Int64 = 0
        var ledger: Int64 = 0
        var unpriced: Int64 = 0
        func add(_ a: Int64, _ b: Int64) throws(ReportError) -> Int64 {
            let (s, o) = a.addingReportingOverflow(b)
            if o { throw ReportError.overflow("the ledger total") }
            return s
        }
        for group in byTeam {
            let m = group.measures
            ledger = try add(ledger, m.costNanoUSD)
            unpriced = try add(unpriced, m.unpricedCalls)
            if let team = group.keys.first ?? nil, !shared.contains(team) {
                var existing = direct[team] ?? SpendMeasures()
                try existing.add(m)
                direct[team] = existing
            } else {
                pool = try add(pool, m.costNanoUSD)
                try poolParts[group.keys.first ?? nil, default: SpendMeasures()].add(m)
            }
        }
        let (receivers, weights) = Self.receivers(rule: rule, direct: direct, fixedShares: rateCard.fixedShares)
        var allocated = [Int64](repeating: 0, count: receivers.count)
        var unallocated: Int64 = 0
        if pool != 0 {
            if let parts = Allocation.largestRemainder(pool, weights: weights) {
                allocated = parts
            } else {
                unallocated = pool
            }
        }
        var lines: [Line] = []
        for (i, team) in receivers.enumerated() {
            let m = direct[team] ?? SpendMeasures()
            let list = try add(m.costNanoUSD, allocated[i])
            let (tierName, tier) = rateCard.tier(of: team)
            let surcharge = roundedPercent(list, microPercent: tier.surchargeMicroPercent)
            guard let surcharge64 = Int64(exactly: surcharge) else { throw ReportError.overflow("a surcharge") }
            lines.append(
                Line(
                    team: team, tier: tierName, directNanoUSD: m.costNanoUSD, allocatedNanoUSD: allocated[i], listNanoUSD: list,
                    surchargeNanoUSD: surcharge64, chargedNanoUSD: try add(list, surcharge64), calls: m.calls,
                    unpricedCalls: m.unpricedCalls, refusedCalls: m.refusedCalls))
        }
        return Chargeback(
            lines: lines, pool: poolLines(poolParts, allocated: unallocated == 0),
            absentSharedTeams: rateCard.sharedTeams.filter { poolParts[$0] == nil }.sorted(), poolNanoUSD: pool,
            unallocatedNanoUSD: unallocated, ledgerNanoUSD: ledger, unpricedCalls: unpriced, rule: rule)
    }

    /// The teams that receive a share of the pool, by name, and their weights under `rule`.
    static func receivers(
        rule: AllocationRule, direct: [String: SpendMeasures], fixedShares: [String: String]
    ) -> (teams: [String], weights: [Int128]) {
        let teams = direct.keys.sorted()
        switch rule {
        case .proportional:
            let weights = teams.map { Int128(direct[$0]!.costNanoUSD) }
            return (teams, weights.allSatisfy { $0 == 0 } ? teams.map { _ in 1 } : weights)
        case .even:
            return (teams, teams.map { _ in 1 })
        case .fixed:
            let all = Array(Set(teams).union(fixedShares.keys)).sorted()
            return (all, all.map { ExactDecimal.scaled(fixedShares[$0] ?? "0", fractionalDigits: 9) ?? 0 })
        }
    }

    /// The pool's parts, shared teams by name then the unattributed spend; all of each was redistributed when `allocated`.
    static func poolLines(_ parts: [String?: SpendMeasures], allocated: Bool) -> [PoolLine] {
        parts.sorted { ($0.key == nil ? 1 : 0, $0.key ?? "") < ($1.key == nil ? 1 : 0, $1.key ?? "") }.map { key, m in
            PoolLine(
                team: key, calls: m.calls, unpricedCalls: m.unpricedCalls, refusedCalls: m.refusedCalls, directNanoUSD: m.costNanoUSD,
                redistributedNanoUSD: allocated ? m.costNanoUSD : 0)
        }
    }

    /// `amount × microPercent ÷ 10⁸`, rounded half away from zero.
    static func roundedPercent(_ amount: Int64, microPercent: Int128) -> Int128 {
        let product = Int128(amount) * microPercent
        let divisor: Int128 = 100_000_000
        let (q, r) = product.quotientAndRemainder(dividingBy: divisor)
        if r.magnitude * 2 >= divisor.magnitude { return q + (product < 0 ? -1 : 1) }
        return q
    }

    /// Sum of the list costs plus the unallocated pool: equals ``ledgerNanoUSD``.
    public var listTotalNanoUSD: Int128 { lines.reduce(Int128(unallocatedNanoUSD)) { $0 + Int128($1.listNanoUSD) } }
    /// Sum of the charged amounts.
    public var chargedTotalNanoUSD: Int128 { lines.reduce(0) { $0 + Int128($1.chargedNanoUSD) } }
    /// Sum of the direct costs of every line, charged teams and pool parts: equals ``ledgerNanoUSD``.
    public var directTotalNanoUSD: Int128 {
        lines.reduce(Int128(0)) { $0 + Int128($1.directNanoUSD) } + pool.reduce(Int128(0)) { $0 + Int128($1.directNanoUSD) }
    }
}

/// One team's chargeback statement: its direct cost by workflow, its share of the pool, its surcharge.
public struct ChargebackStatement: Sendable, Hashable, Codable {
    /// One statement line.
    public struct Item: Sendable, Hashable, Codable {
        /// What the line is (a workflow, the shared allocation, the surcharge).
        public var description: String
        /// Calls behind it (0 for allocation and surcharge lines).
        public var calls: Int64
        /// Amount, nano-USD.
        public var amountNanoUSD: Int64
    }

    /// The team.
    public var team: String
    /// Its tier.
    public var tier: String
    /// The period.
    public var period: ReportPeriod
    /// The allocation rule used for the shared line.
    public var rule: AllocationRule
    /// Lines, in order: workflows by cost, then allocation, then surcharge.
    public var items: [Item]
    /// The team's list cost (direct + allocated), nano-USD.
    public var listNanoUSD: Int64
    /// What the team is charged, nano-USD: the sum of ``items``.
    public var chargedNanoUSD: Int64
    /// Calls with no known cost (not in any amount).
    public var unpricedCalls: Int64

    /// Builds a statement from the team's chargeback line and its spend by workflow (which sums to the line's direct cost).
    public static func make(
        line: Chargeback.Line, byWorkflow: [GroupedSpend], period: ReportPeriod, rule: AllocationRule
    ) throws(ReportError) -> ChargebackStatement {
        var items = byWorkflow.sorted { ($0.measures.costNanoUSD, $1.labels[0]) > ($1.measures.costNanoUSD, $0.labels[0]) }.map {
            Item(description: "workflow \($0.labels[0])", calls: $0.measures.calls, amountNanoUSD: $0.measures.costNanoUSD)
        }
        let directSum = items.reduce(Int128(0)) { $0 + Int128($1.amountNanoUSD) }
        guard directSum == Int128(line.directNanoUSD) else {
            throw ReportError("the workflow lines of \(line.team) sum to \(directSum) nano-USD, not its direct cost \(line.directNanoUSD)")
        }
        items.append(Item(description: "shared and unattributed allocation (\(rule.rawValue))", calls: 0, amountNanoUSD: line.allocatedNanoUSD))
        items.append(Item(description: "rate card surcharge (tier \(line.tier))", calls: 0, amountNanoUSD: line.surchargeNanoUSD))
        return ChargebackStatement(
            team: line.team, tier: line.tier, period: period, rule: rule, items: items, listNanoUSD: line.listNanoUSD,
            chargedNanoUSD: line.chargedNanoUSD, unpricedCalls: line.unpricedCalls)
    }

    /// A statement for a part of the pool (a shared team, or `nil` for unattributed spend): its cost by workflow,
    /// then what was redistributed to the charged teams; it is charged nothing itself.
    public static func make(
        pool line: Chargeback.PoolLine, byWorkflow: [GroupedSpend], period: ReportPeriod, rule: AllocationRule
    ) throws(ReportError) -> ChargebackStatement {
        let name = line.team ?? GroupedSpend.unattributed
        var items = byWorkflow.sorted { ($0.measures.costNanoUSD, $1.labels[0]) > ($1.measures.costNanoUSD, $0.labels[0]) }.map {
            Item(description: "workflow \($0.labels[0])", calls: $0.measures.calls, amountNanoUSD: $0.measures.costNanoUSD)
        }
        let directSum = items.reduce(Int128(0)) { $0 + Int128($1.amountNanoUSD) }
        guard directSum == Int128(line.directNanoUSD) else {
            throw ReportError("the workflow lines of \(name) sum to \(directSum) nano-USD, not its cost \(line.directNanoUSD)")
        }
        items.append(Item(description: "redistributed to the charged teams (\(rule.rawValue))", calls: 0, amountNanoUSD: -line.redistributedNanoUSD))
        let kept = line.directNanoUSD - line.redistributedNanoUSD
        return ChargebackStatement(
            team: name, tier: line.kind, period: period, rule: rule, items: items, listNanoUSD: kept, chargedNanoUSD: kept,
            unpricedCalls: line.unpricedCalls)
    }
}
