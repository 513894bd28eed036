/// Folds ledger entries, oldest first, into ``FocusRow``s one UTC day at a time.
///
/// Feed entries in timestamp order with ``add(_:repriced:)``; it returns the finished rows of
/// every day before the entry's day, so at most one day of rows is held in memory. Call
/// ``finish()`` for the last day.
///
/// Each entry is split into one line per token type:
/// - A priced or estimated entry whose cost the catalog reproduces exactly (`repriced` total
///   equals ``LedgerEntry/costNanoUSD``) uses the catalog's rate and per-component cost, so
///   `ListUnitPrice` is the real dated price.
/// - Otherwise a priced entry falls back to its stored cost breakdown, with the unit price
///   derived from the ledger cost (``FocusRow/PriceSource/derived``).
/// - An unpriced entry becomes usage without a price (``FocusRow/PriceSource/none``), never $0 usage.
///
/// The sum of ``FocusRow/billedNanoUSD`` over all rows equals the sum of the entries' costs.
public struct FocusAggregator: Sendable {
    private struct Key: Hashable, Comparable {
        var provider: String
        var route: String
        var model: String
        var tokenType: FocusTokenType
        var rateUnits: Int128?
        var priceSource: FocusRow.PriceSource
        var priceVersion: String?
        var pricing: LedgerEntry.PricingStatus
        var org: String?
        var team: String?
        var app: String?
        var workflow: String?
        var environment: String?
        var costCenter: String?
        var customer: String?
        var tags: [String: String]

        static func < (lhs: Key, rhs: Key) -> Bool {
            func text(_ k: Key) -> [String] {
                [
                    k.provider, k.team ?? "", k.workflow ?? "", k.app ?? "", k.environment ?? "", k.costCenter ?? "", k.org ?? "",
                    k.customer ?? "", Attribution(keyID: "", tags: k.tags).tagsJSON ?? "", k.model, k.route, k.pricing.rawValue,
                    k.priceVersion ?? "", k.priceSource.rawValue,
                ]
            }
            let l = text(lhs)
            let r = text(rhs)
            if l != r { return l.lexicographicallyPrecedes(r) }
            if lhs.tokenType != rhs.tokenType { return lhs.tokenType < rhs.tokenType }
            return (lhs.rateUnits ?? -1) < (rhs.rateUnits ?? -1)
        }
    }

    private struct Sums {
        var tokens: Int64 = 0
        var billed: Int64 = 0
        var entries: Int64 = 0
    }

    /// One token type's share of an entry.
    struct Line: Hashable {
        var tokenType: FocusTokenType
        var tokens: Int64
        var rateUnits: Int128?
        var nanoUSD: Int64
        var source: FocusRow.PriceSource
    }

    private var day: Int64?
    private var groups: [Key: Sums] = [:]

    /// Entries seen.
    public private(set) var entryCount: Int64 = 0
    /// The sum of every entry's known cost, in nano-USD (equals the sum of the rows' billed cost).
    public private(set) var totalNanoUSD: Int64 = 0
    /// Unpriced entries that consumed tokens.
    public private(set) var unpricedEntryCount: Int64 = 0
    /// Tokens of unpriced entries.
    public private(set) var unpricedTokens: Int64 = 0
    /// Priced entries whose cost the catalog no longer reproduces (their unit price is derived).
    public private(set) var derivedEntryCount: Int64 = 0
    /// Rows produced so far.
    public private(set) var rowCount: Int64 = 0

    /// Creates an empty aggregator.
    public init() {}

    /// Adds one entry.
    /// - Parameters:
    ///   - entry: The next entry; timestamps must not decrease.
    ///   - repriced: The catalog's cost for the entry's usage at its timestamp, if the model is
    ///     still in the catalog; used only when its total equals the ledger's.
    /// - Returns: The rows of the days before this entry's day that are now complete.
    public mutating func add(_ entry: LedgerEntry, repriced: Cost?) -> [FocusRow] {
        let entryDay = Self.dayStart(entry.timestampMs)
        var finished: [FocusRow] = []
        if let day, day != entryDay { finished = flush() }
        day = entryDay
        entryCount += 1
        let lines = Self.lines(for: entry, repriced: repriced)
        if entry.costNanoUSD == nil, entry.usage.total > 0 {
            unpricedEntryCount += 1
            unpricedTokens += entry.usage.total
        }
        if let cost = entry.costNanoUSD { totalNanoUSD += cost }
        if lines.contains(where: { $0.source == .derived }) { derivedEntryCount += 1 }
        let a = entry.attribution
        for line in lines {
            let key = Key(
                provider: entry.provider, route: entry.route, model: entry.servedModel, tokenType: line.tokenType, rateUnits: line.rateUnits,
                priceSource: line.source, priceVersion: line.source == .none ? nil : entry.priceVersion,
                pricing: line.source == .none ? .unpriced : entry.pricing, org: a.org, team: a.team, app: a.app, workflow: a.workflow,
                environment: a.environment, costCenter: a.costCenter, customer: a.customer, tags: a.tags)
            var sums = groups[key] ?? Sums()
            sums.tokens += line.tokens
            sums.billed += line.nanoUSD
            sums.entries += 1
            groups[key] = sums
        }
        return finished
    }

    /// The rows of the last day.
    public mutating func finish() -> [FocusRow] { flush() }

    private mutating func flush() -> [FocusRow] {
        guard let day else { return [] }
        let rows = groups.keys.sorted().map { key -> FocusRow in
            let sums = groups[key]!
            return FocusRow(
                chargePeriodStart: day, provider: key.provider, route: key.route, model: key.model, tokenType: key.tokenType,
                rateUnits: key.rateUnits, priceSource: key.priceSource, priceVersion: key.priceVersion, pricing: key.pricing, org: key.org,
                team: key.team, app: key.app, workflow: key.workflow, environment: key.environment, costCenter: key.costCenter,
                tokens: sums.tokens, billedNanoUSD: sums.billed, entryCount: sums.entries, customer: key.customer, callerTags: key.tags)
        }
        groups = [:]
        self.day = nil
        rowCount += Int64(rows.count)
        return rows
    }

    /// 00:00 UTC of the day containing `ms`, in unix seconds.
    static func dayStart(_ ms: Int64) -> Int64 {
        let seconds = ms >= 0 ? ms / 1_000 : (ms - 999) / 1_000
        return (seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) * 86_400
    }

    /// Splits an entry into per-token-type lines whose costs sum to the entry's cost.
    static func lines(for entry: LedgerEntry, repriced: Cost?) -> [Line] {
        let usage = entry.usage
        guard let cost = entry.costNanoUSD else {
            let parts: [(FocusTokenType, Int64)] = [
                (.input, usage.inputUncached), (.cachedInput, usage.cacheRead), (.cacheWrite5m, usage.cacheWrite5m),
                (.cacheWrite1h, usage.cacheWrite1h), (.output, usage.output),
            ]
            return parts.filter { $0.1 > 0 }.map { Line(tokenType: $0.0, tokens: $0.1, rateUnits: nil, nanoUSD: 0, source: .none) }
        }
        if let repriced, repriced.totalNanoUSD == cost {
            let outputRate = repriced.components.first { $0.kind == .outputText }?.rate
            var lines: [Line] = []
            for component in repriced.components where component.tokens > 0 {
                let type: FocusTokenType =
                    switch component.kind {
                    case .inputUncached: .input
                    case .cacheRead: .cachedInput
                    case .cacheWrite5m: .cacheWrite5m
                    case .cacheWrite1h: .cacheWrite1h
                    case .outputText: .output
                    case .reasoning: outputRate == nil || outputRate == component.rate ? .output : .reasoning
                    }
                let line = Line(
                    tokenType: type, tokens: component.tokens, rateUnits: component.rate.units, nanoUSD: component.nanoUSD, source: .catalog)
                if let i = lines.firstIndex(where: { $0.tokenType == type && $0.rateUnits == line.rateUnits }) {
                    lines[i].tokens += line.tokens
                    lines[i].nanoUSD += line.nanoUSD
                } else {
                    lines.append(line)
                }
            }
            return lines
        }
        // The catalog cannot reproduce the ledger's cost: keep the ledger's own breakdown.
        let b = entry.costBreakdown
        let parts: [(FocusTokenType, Int64, Int64)] = [
            (.input, usage.inputUncached, b.input), (.cachedInput, usage.cacheRead, b.cacheRead),
            (.cacheWrite, usage.cacheWrite, b.cacheWrite), (.output, usage.output, b.output + b.reasoning),
        ]
        var lines: [Line] = []
        var orphan: Int64 = 0
        for (type, tokens, nano) in parts {
            guard tokens > 0 else {
                orphan += nano
                continue
            }
            lines.append(
                Line(tokenType: type, tokens: tokens, rateUnits: derivedRate(nanoUSD: nano, tokens: tokens), nanoUSD: nano, source: .derived))
        }
        // Cost without tokens cannot happen for a well-formed entry; keep the money on the first line anyway.
        if orphan != 0, !lines.isEmpty { lines[0].nanoUSD += orphan }
        return lines
    }

    /// nano-USD ÷ tokens as a rate in 10⁻²⁵ USD per token, rounded half-even.
    static func derivedRate(nanoUSD: Int64, tokens: Int64) -> Int128 {
        let numerator = Int128(nanoUSD) * ExactDecimal.powerOfTen(USDRate.fractionalDigits - 9)
        let d = Int128(tokens)
        var q = numerator / d
        let r = numerator % d
        if r * 2 > d || (r * 2 == d && q % 2 == 1) { q += 1 }
        return q
    }
}
