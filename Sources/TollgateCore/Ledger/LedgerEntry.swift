/// One ledger entry: exactly one per upstream call, whatever happened to it.
///
/// Entries are append-only. Money is integer nano-USD (10⁻⁹ USD), never floating point.
public struct LedgerEntry: Sendable, Hashable, Codable {
    /// The request id, also returned to the client as `x-tollgate-request-id`.
    public var id: String
    /// When the call was admitted, in milliseconds since 1970 (UTC).
    public var timestampMs: Int64
    /// Wall-clock duration of the whole call, in milliseconds.
    public var durationMs: Int64
    /// Time to the first byte of the upstream response body, in milliseconds, if any arrived.
    public var ttftMs: Int64?
    /// The route that served it, e.g. `chat.completions`, `embeddings`, `messages`.
    public var route: String
    /// The provider name from the configuration.
    public var provider: String
    /// The model the caller asked for.
    public var requestedModel: String
    /// The model the provider says served the call (falls back to the upstream model sent).
    public var servedModel: String
    /// Whether the caller asked for a stream.
    public var stream: Bool
    /// What happened.
    public var status: Status
    /// The HTTP status returned to the caller (0 when the caller went away first).
    public var httpStatus: Int
    /// Normalised usage.
    public var usage: TokenUsage
    /// Where the usage came from.
    public var usageSource: UsageSource
    /// Pricing outcome.
    public var pricing: PricingStatus
    /// Cost in nano-USD; `nil` when unpriced (never zero for "unknown").
    public var costNanoUSD: Int64?
    /// Cost per component, in nano-USD, summing exactly to ``costNanoUSD``.
    public var costBreakdown: CostBreakdown
    /// The catalog version that priced it.
    public var priceVersion: String?
    /// The catalog key that priced the entry (with ``priceVersion``, the exact price used); nil when
    /// unpriced, and on entries written before it was recorded.
    public var priceModel: String?
    /// Who the call is attributed to.
    public var attribution: Attribution
    /// Upstream attempts, in order (retries are visible here).
    public var attempts: [Attempt]
    /// The client's own retry count (`x-stainless-retry-count`), if it sent one.
    public var clientRetryCount: Int?
    /// A short, secret-free description of what went wrong, if anything did.
    public var errorMessage: String?
    /// The model the caller asked for, when governance served the call with another (a budget's downgrade).
    public var routedFrom: String?
    /// What governance did to the call, e.g. `max_tokens=1024 (policy default)`, `blocked by budget:team-monthly`.
    public var governance: String?
    /// Personal data items redacted from the prompt before it left.
    public var redactions: Int
    /// The request this entry is one upstream call of, when a request makes several upstream calls (a cascade, a
    /// fallback to another model): each call has its own entry, `<request id>.<n>`, chained to the request's. Nil for
    /// a request's own entry.
    public var parentID: String?
    /// The lever that served or changed the call (`cache`, `routing`), nil when none did.
    public var lever: String?
    /// The lever's rule or decision that acted (`faq-small: tier small: cheapest of 2 that fit`).
    public var leverRule: String?
    /// What the lever saved, in nano-USD: the cost the call would have had without it, less its cost
    /// (a cache hit: what the answer's original call costs at the hit's date; a routed call: the model
    /// asked for priced with the same usage, less the cost — negative when the route cost more). Nil
    /// when no lever acted, or when the saving cannot be priced.
    public var savedNanoUSD: Int64?
    /// True when ``savedNanoUSD`` prices a different model than the one that served the call, with the
    /// served call's token counts standing in for the ones that model would have used (its tokenizer
    /// and answer differ): an estimate, not an exact figure.
    public var savedEstimated: Bool?
    /// The entry whose answer was served, for a cache hit.
    public var sourceID: String?
    /// The fingerprint of the lever settings in force (``LeversConfiguration/version``), nil when no lever was on.
    public var leversVersion: String?

    /// The cost the call would have had without levers: its cost plus what a lever saved (nil when unpriced).
    public var counterfactualNanoUSD: Int64? {
        guard let cost = costNanoUSD else { return nil }
        return cost + (savedNanoUSD ?? 0)
    }

    /// Creates an entry.
    public init(
        id: String, timestampMs: Int64, durationMs: Int64 = 0, ttftMs: Int64? = nil, route: String, provider: String,
        requestedModel: String, servedModel: String, stream: Bool, status: Status, httpStatus: Int,
        usage: TokenUsage = .zero, usageSource: UsageSource = .reported, pricing: PricingStatus = .unpriced,
        costNanoUSD: Int64? = nil, costBreakdown: CostBreakdown = .init(), priceVersion: String? = nil,
        attribution: Attribution, attempts: [Attempt] = [], clientRetryCount: Int? = nil, errorMessage: String? = nil,
        routedFrom: String? = nil, governance: String? = nil, redactions: Int = 0, priceModel: String? = nil, parentID: String? = nil
    ) {
        self.parentID = parentID
        self.priceModel = priceModel
        self.id = id
        self.timestampMs = timestampMs
        self.durationMs = durationMs
        self.ttftMs = ttftMs
        self.route = route
        self.provider = provider
        self.requestedModel = requestedModel
        self.servedModel = servedModel
        self.stream = stream
        self.status = status
        self.httpStatus = httpStatus
        self.usage = usage
        self.usageSource = usageSource
        self.pricing = pricing
        self.costNanoUSD = costNanoUSD
        self.costBreakdown = costBreakdown
        self.priceVersion = priceVersion
        self.attribution = attribution
        self.attempts = attempts
        self.clientRetryCount = clientRetryCount
        self.errorMessage = errorMessage
        self.routedFrom = routedFrom
        self.governance = governance
        self.redactions = redactions
    }

    /// What happened to a call.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// The provider answered with success.
        case ok
        /// The provider answered with an error, or could not be reached.
        case upstreamError = "upstream_error"
        /// The caller went away, or the stream was cut, before the provider finished.
        case cancelled
        /// Tollgate refused the call before forwarding it.
        case blocked
        /// Served from cache without an upstream call.
        case cached
        /// The gateway stopped (crash or kill) while the call was in flight; closed by recovery.
        case interrupted
    }

    /// Where usage figures come from.
    public enum UsageSource: String, Sendable, Hashable, Codable {
        /// The provider reported them.
        case reported
        /// Tollgate estimated them (no usage report arrived).
        case estimated
        /// No tokens were consumed (the call failed before generation).
        case none
    }

    /// How the entry was priced.
    public enum PricingStatus: String, Sendable, Hashable, Codable {
        /// Priced from reported usage with a dated catalog price.
        case priced
        /// Priced from estimated usage.
        case estimated
        /// The model has no price: the cost is unknown, not zero.
        case unpriced
    }

    /// One attempt to reach the provider.
    public struct Attempt: Sendable, Hashable, Codable {
        /// HTTP status from the provider, or 0 when no response arrived.
        public var status: Int
        /// Milliseconds the attempt took until its response head (or failure).
        public var ms: Int64
        /// Why it failed, if it did (`connect`, `timeout`, `http_429`, ...).
        public var error: String?

        /// Creates an attempt record.
        public init(status: Int, ms: Int64, error: String? = nil) {
            self.status = status
            self.ms = ms
            self.error = error
        }
    }
}

/// An entry's cost split by token type, in nano-USD.
public struct CostBreakdown: Sendable, Hashable, Codable {
    /// Uncached input.
    public var input: Int64
    /// Cache reads.
    public var cacheRead: Int64
    /// Cache writes (all TTLs).
    public var cacheWrite: Int64
    /// Output other than reasoning.
    public var output: Int64
    /// Reasoning output.
    public var reasoning: Int64

    /// Creates a breakdown.
    public init(input: Int64 = 0, cacheRead: Int64 = 0, cacheWrite: Int64 = 0, output: Int64 = 0, reasoning: Int64 = 0) {
        self.input = input
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
        self.reasoning = reasoning
    }

    /// The sum of all components.
    public var total: Int64 { input + cacheRead + cacheWrite + output + reasoning }
}
