/// The per-token prices of one price level (base, Batch API, an above-threshold tier or a
/// `tiered_pricing` band). A nil field means the catalog gives no price for that token type;
/// an explicit zero is a real price.
///
/// Codable with rates as exact per-token decimal strings; absent rates are omitted.
public struct RateSet: Sendable, Hashable, Codable {
    /// Uncached input (`input_cost_per_token`).
    public var input: USDRate?
    /// Output, reasoning included unless ``reasoning`` is set (`output_cost_per_token`).
    public var output: USDRate?
    /// Cache hits (`cache_read_input_token_cost`); falls back to ``input`` when nil.
    public var cacheRead: USDRate?
    /// Cache writes with the default 5-minute TTL (`cache_creation_input_token_cost`);
    /// falls back to ``input`` when nil.
    public var cacheWrite: USDRate?
    /// Cache writes with a 1-hour TTL (`cache_creation_input_token_cost_above_1hr`);
    /// falls back to ``cacheWrite`` when nil.
    public var cacheWrite1h: USDRate?
    /// Reasoning output (`output_cost_per_reasoning_token`); falls back to ``output`` when nil.
    public var reasoning: USDRate?

    /// Creates a rate set; every rate defaults to absent.
    public init(
        input: USDRate? = nil,
        output: USDRate? = nil,
        cacheRead: USDRate? = nil,
        cacheWrite: USDRate? = nil,
        cacheWrite1h: USDRate? = nil,
        reasoning: USDRate? = nil
    ) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h
        self.reasoning = reasoning
    }

    /// True when no rate is set.
    public var isEmpty: Bool {
        input == nil && output == nil && cacheRead == nil && cacheWrite == nil && cacheWrite1h == nil
            && reasoning == nil
    }

    /// The rate of one kind (internal, for the cost resolution).
    subscript(kind: RateKind) -> USDRate? {
        get {
            switch kind {
            case .input: input
            case .output: output
            case .cacheRead: cacheRead
            case .cacheWrite: cacheWrite
            case .cacheWrite1h: cacheWrite1h
            case .reasoning: reasoning
            }
        }
        set {
            switch kind {
            case .input: input = newValue
            case .output: output = newValue
            case .cacheRead: cacheRead = newValue
            case .cacheWrite: cacheWrite = newValue
            case .cacheWrite1h: cacheWrite1h = newValue
            case .reasoning: reasoning = newValue
            }
        }
    }
}

/// The six priced token types, in resolution order (fallback targets come first).
enum RateKind: CaseIterable, Sendable {
    case input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning

    /// The LiteLLM base key of this rate.
    var liteLLMKey: String {
        switch self {
        case .input: "input_cost_per_token"
        case .output: "output_cost_per_token"
        case .cacheRead: "cache_read_input_token_cost"
        case .cacheWrite: "cache_creation_input_token_cost"
        case .cacheWrite1h: "cache_creation_input_token_cost_above_1hr"
        case .reasoning: "output_cost_per_reasoning_token"
        }
    }

    /// The rate used when this one is absent everywhere (§4.6), or nil for input and output.
    var fallback: RateKind? {
        switch self {
        case .input, .output: nil
        case .cacheRead, .cacheWrite: .input
        case .cacheWrite1h: .cacheWrite
        case .reasoning: .output
        }
    }
}
