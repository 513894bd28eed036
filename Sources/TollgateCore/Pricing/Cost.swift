/// The exact cost of one call in integer nano-USD (10^-9 USD), itemised by token type.
///
/// ``totalNanoUSD`` is the exact sum of tokens × rate over the components, rounded once,
/// half-even, to whole nano-USD. The components' ``CostComponent/nanoUSD`` are allocated
/// from that total by largest remainder, so they always sum to it exactly.
public struct Cost: Sendable, Hashable, Codable {
    /// The total, in nano-USD.
    public var totalNanoUSD: Int64
    /// The billed token types, in ``CostComponent/Kind`` order; types with zero tokens are
    /// omitted.
    public var components: [CostComponent]

    /// Creates a cost.
    public init(totalNanoUSD: Int64, components: [CostComponent]) {
        self.totalNanoUSD = totalNanoUSD
        self.components = components
    }

    /// A cost of zero with no components.
    public static let zero = Cost(totalNanoUSD: 0, components: [])

    /// The total as exact decimal USD text (`"0.00725"`).
    public var totalUSDString: String { Money.format(nanoUSD: totalNanoUSD) }
}

/// One line of a ``Cost``: a token type, its count, the rate applied and its share of the
/// total.
public struct CostComponent: Sendable, Hashable, Codable {
    /// The billed token types.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Input tokens neither read from nor written to a cache.
        case inputUncached
        /// Input tokens read from a prompt cache.
        case cacheRead
        /// Input tokens written to a cache with the 5-minute (default) TTL.
        case cacheWrite5m
        /// Input tokens written to a cache with a 1-hour TTL.
        case cacheWrite1h
        /// Output tokens that are not reasoning.
        case outputText
        /// Reasoning (thinking) output tokens.
        case reasoning
    }

    /// The token type.
    public var kind: Kind
    /// Tokens billed.
    public var tokens: Int64
    /// The rate applied (after threshold, band and batch resolution).
    public var rate: USDRate
    /// This component's share of ``Cost/totalNanoUSD`` (largest-remainder allocation).
    public var nanoUSD: Int64

    /// Creates a cost component.
    public init(kind: Kind, tokens: Int64, rate: USDRate, nanoUSD: Int64) {
        self.kind = kind
        self.tokens = tokens
        self.rate = rate
        self.nanoUSD = nanoUSD
    }
}

/// The outcome of pricing a call against a catalog.
public enum CostResult: Sendable, Hashable {
    /// The call was priced with the catalog entry in force from `priceEffectiveFrom`
    /// (unix seconds).
    case priced(Cost, priceEffectiveFrom: Int64)
    /// The call could not be priced (unknown model, no usable price, overflow); never $0.
    case unpriced(reason: String)

    /// The cost when priced, else nil.
    public var cost: Cost? {
        if case .priced(let cost, _) = self { return cost }
        return nil
    }
}
