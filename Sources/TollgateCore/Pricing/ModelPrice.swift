/// How a call is billed: at standard rates or through a provider's Batch API.
public enum PricingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Standard (synchronous) rates.
    case standard
    /// Batch API rates: the explicit `_batches` price when the catalog has one, else exactly
    /// half the standard price.
    case batch
}

/// A context-length tier: when a request's prompt count passes ``tokens``, the whole
/// request (every token type, output included) is billed at this tier's rates for each
/// type the tier prices, and at base rates for the others.
public struct ThresholdTier: Sendable, Hashable, Codable {
    /// The threshold in prompt tokens (`_above_200k_tokens` → 200,000).
    public var tokens: Int64
    /// True when a prompt of exactly ``tokens`` already enters the tier (xAI, `>=`); false for
    /// strictly greater (everyone else).
    public var inclusive: Bool
    /// Standard rates above the threshold (`*_above_{N}k_tokens`).
    public var rates: RateSet
    /// Explicit Batch API rates above the threshold (`*_above_{N}k_tokens_batches`).
    public var batch: RateSet

    /// Creates a threshold tier.
    public init(tokens: Int64, inclusive: Bool = false, rates: RateSet, batch: RateSet = RateSet()) {
        self.tokens = tokens
        self.inclusive = inclusive
        self.rates = rates
        self.batch = batch
    }

    /// True when a prompt of `promptTokens` is in this tier.
    public func applies(toPromptTokens promptTokens: Int64) -> Bool {
        inclusive ? promptTokens >= tokens : promptTokens > tokens
    }
}

/// One band of LiteLLM `tiered_pricing`: prompts of more than ``lowerTokens`` and at most
/// ``upperTokens`` tokens are billed at ``rates``.
public struct PriceBand: Sendable, Hashable, Codable {
    /// Exclusive lower bound of the band, in prompt tokens.
    public var lowerTokens: Int64
    /// Inclusive upper bound of the band, in prompt tokens.
    public var upperTokens: Int64
    /// The band's per-token rates.
    public var rates: RateSet

    /// Creates a price band.
    public init(lowerTokens: Int64, upperTokens: Int64, rates: RateSet) {
        self.lowerTokens = lowerTokens
        self.upperTokens = upperTokens
        self.rates = rates
    }
}

/// The price of one model from one effective date on: base rates, Batch API rates,
/// context-length thresholds and `tiered_pricing` bands, plus context limits.
///
/// Codable (the gateway stores dated prices as JSON); rates are encoded as exact decimal
/// strings per token.
public struct ModelPrice: Sendable, Hashable, Codable {
    /// The exact model key (`"gpt-4o"`, `"gemini/gemini-2.5-pro"`).
    public var model: String
    /// The LiteLLM provider route (`"openai"`, `"anthropic"`, `"xai"`, …).
    public var provider: String?
    /// The LiteLLM mode (`"chat"`, `"embedding"`, …).
    public var mode: String?
    /// Unix seconds from which this price is in force; 0 means since forever.
    public var effectiveFrom: Int64
    /// Standard rates.
    public var base: RateSet
    /// Explicit Batch API rates (`*_batches` keys only; missing ones are half of standard).
    public var batch: RateSet
    /// Context-length tiers, ascending by ``ThresholdTier/tokens``.
    public var thresholds: [ThresholdTier]
    /// `tiered_pricing` bands, in catalog order.
    public var tiered: [PriceBand]
    /// Context window in tokens, when known.
    public var maxInputTokens: Int64?
    /// Output cap in tokens, when known.
    public var maxOutputTokens: Int64?
    /// The catalog version this price came from (recorded on every entry it prices).
    public var source: String?
    /// Whether the model takes tools (`supports_function_calling`), when the catalog says.
    public var supportsTools: Bool?
    /// Whether the model reads images (`supports_vision`), when the catalog says.
    public var supportsVision: Bool?

    /// Creates a model price.
    public init(
        model: String,
        provider: String? = nil,
        mode: String? = nil,
        effectiveFrom: Int64 = 0,
        base: RateSet = RateSet(),
        batch: RateSet = RateSet(),
        thresholds: [ThresholdTier] = [],
        tiered: [PriceBand] = [],
        maxInputTokens: Int64? = nil,
        maxOutputTokens: Int64? = nil,
        source: String? = nil
    ) {
        self.model = model
        self.provider = provider
        self.mode = mode
        self.effectiveFrom = effectiveFrom
        self.base = base
        self.batch = batch
        self.thresholds = thresholds.sorted { $0.tokens < $1.tokens }
        self.tiered = tiered
        self.maxInputTokens = maxInputTokens
        self.maxOutputTokens = maxOutputTokens
        self.source = source
    }

    /// False when the entry has no input price, no output price and no `tiered_pricing`:
    /// such a model is `unpriced`, never priced at zero.
    public var isPriced: Bool {
        base.input != nil || base.output != nil || !tiered.isEmpty
    }
}
