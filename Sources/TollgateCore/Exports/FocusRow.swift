/// One row of a FOCUS 1.2 Cost and Usage export: one charge period (a UTC day) × billing
/// account (the provider) × sub account (the team) × model SKU × token-type price point ×
/// tag set (standards §1.6).
///
/// Money and quantities are kept as integers and rendered as exact decimal text: tokens,
/// nano-USD, and rates in units of 10⁻²⁵ USD per token (``USDRate/units``).
public struct FocusRow: Sendable, Hashable {
    /// Inclusive start of the charge period (unix seconds, 00:00 UTC).
    public var chargePeriodStart: Int64
    /// The provider name from the configuration (the billing account).
    public var provider: String
    /// The ledger route that served the calls (`chat.completions`, `messages`, …).
    public var route: String
    /// The model the provider says served the calls.
    public var model: String
    /// The token type this row meters.
    public var tokenType: FocusTokenType
    /// The per-token rate in 10⁻²⁵ USD; nil for unpriced usage.
    public var rateUnits: Int128?
    /// How the rate was obtained.
    public var priceSource: PriceSource
    /// The catalog version that priced the calls, if any.
    public var priceVersion: String?
    /// Whether the usage was reported, estimated, or could not be priced.
    public var pricing: LedgerEntry.PricingStatus
    /// Attribution tags (from the key, or declared).
    public var org: String?
    /// Team (the FOCUS sub account).
    public var team: String?
    /// Application.
    public var app: String?
    /// Workflow.
    public var workflow: String?
    /// Environment.
    public var environment: String?
    /// Cost centre.
    public var costCenter: String?
    /// Tokens of ``tokenType`` consumed.
    public var tokens: Int64
    /// What the ledger recorded for these tokens, in nano-USD (0 for unpriced usage).
    public var billedNanoUSD: Int64
    /// Ledger entries that contributed tokens to this row.
    public var entryCount: Int64
    /// End customer the calls served (declared with `x-tollgate-customer`).
    public var customer: String? = nil
    /// The callers' `x-tollgate-tags`, by tag name.
    public var callerTags: [String: String] = [:]

    /// Where a row's unit price comes from.
    public enum PriceSource: String, Sendable, Hashable {
        /// The dated catalog price that priced the entries (re-derived and checked against the ledger).
        case catalog
        /// The catalog no longer reproduces the ledger's cost: the unit price is the ledger
        /// cost divided by the tokens, rounded to 10⁻²⁵ USD per token.
        case derived
        /// No price: the usage is unpriced.
        case none
    }

    /// True when the row is usage with a known cost (a FOCUS `Usage` row); false for unpriced
    /// usage (a zero-cost `Adjustment` row flagged `x_PricingStatus=unpriced`).
    public var isPriced: Bool { rateUnits != nil }

    /// The FOCUS `ChargeCategory`.
    public var chargeCategory: String { isPriced ? "Usage" : "Adjustment" }

    /// `PricingQuantity`: tokens in units of one million, exact.
    public var pricingQuantity: String { ExactDecimal.format(Int128(tokens), fractionalDigits: 6) }

    /// `ListUnitPrice` (= `ContractedUnitPrice`): USD per one million tokens, exact.
    public var listUnitPrice: String? {
        rateUnits.map { ExactDecimal.format($0, fractionalDigits: USDRate.fractionalDigits - 6) }
    }

    /// `ListCost` (= `ContractedCost`) as an exact integer in 10⁻²⁵ USD: rate × tokens.
    public var listCostUnits: Int128 { (rateUnits ?? 0) * Int128(tokens) }

    /// `ListCost` (= `ContractedCost`): exactly `ListUnitPrice × PricingQuantity`.
    public var listCost: String { ExactDecimal.format(listCostUnits, fractionalDigits: USDRate.fractionalDigits) }

    /// `BilledCost` (= `EffectiveCost`): the ledger's cost, exact to the nano-USD.
    public var billedCost: String { Money.format(nanoUSD: billedNanoUSD) }
}

/// The token types a FOCUS row can meter; each is its own price point (`SkuPriceId`).
public enum FocusTokenType: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Uncached input.
    case input
    /// Prompt-cache reads.
    case cachedInput = "cached_input"
    /// Prompt-cache writes with the default (5-minute) TTL.
    case cacheWrite5m = "cache_write_5m"
    /// Prompt-cache writes with a 1-hour TTL.
    case cacheWrite1h = "cache_write_1h"
    /// All prompt-cache writes (used when the price per TTL cannot be told apart).
    case cacheWrite = "cache_write"
    /// Output (reasoning included unless priced separately).
    case output
    /// Reasoning output priced separately from output.
    case reasoning

    /// The FOCUS `SkuMeter`.
    public var meter: String {
        switch self {
        case .input: "Input Tokens"
        case .cachedInput: "Cached Input Tokens"
        case .cacheWrite5m: "Cache Write Tokens"
        case .cacheWrite1h: "Cache Write 1h Tokens"
        case .cacheWrite: "Cache Write Tokens (All TTLs)"
        case .output: "Output Tokens"
        case .reasoning: "Reasoning Tokens"
        }
    }

    var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: FocusTokenType, rhs: FocusTokenType) -> Bool { lhs.order < rhs.order }
}
