/// A model a routing decision may pick, as the gateway sees it at admission.
public struct RouteCandidate: Sendable, Hashable {
    /// The configured model name.
    public var name: String
    /// Its price in force (context window and capabilities included); nil when the catalog has none.
    public var price: ModelPrice?
    /// Whether it may serve this call at all: the route's dialect, the key's allowlist, its provider's health.
    public var usable: Bool

    /// Creates a candidate.
    public init(name: String, price: ModelPrice?, usable: Bool = true) {
        self.name = name
        self.price = price
        self.usable = usable
    }
}

/// What a routing decision needs to know about the call.
public struct RouteRequest: Sendable, Hashable {
    /// Input tokens estimated from the prompt.
    public var estimatedInputTokens: Int64
    /// The output cap the call carries, if any.
    public var maxTokens: Int64?
    /// The request's tools and images.
    public var traits: RequestTraits

    /// Creates a request description.
    public init(estimatedInputTokens: Int64, maxTokens: Int64? = nil, traits: RequestTraits = .init()) {
        self.estimatedInputTokens = estimatedInputTokens
        self.maxTokens = maxTokens
        self.traits = traits
    }

    /// The output the call is ranked with when it does not cap its own: what a typical answer costs.
    public static let assumedOutputTokens: Int64 = 512
}

/// Picks, within a tier, the cheapest model that fits a call.
public enum TierChoice {
    /// Whether a candidate can serve the call: usable, its context window holds the prompt, its output cap
    /// the `max_tokens` asked, and the catalog says it takes tools and reads images when the call has them
    /// (unknown capability counts as no: a call sent to a model that cannot take it fails).
    public static func fits(_ candidate: RouteCandidate, _ request: RouteRequest) -> Bool {
        guard candidate.usable else { return false }
        let price = candidate.price
        if let window = price?.maxInputTokens, request.estimatedInputTokens > window { return false }
        if let cap = price?.maxOutputTokens, let asked = request.maxTokens, asked > cap { return false }
        if request.traits.tools && price?.supportsTools != true { return false }
        if request.traits.images && price?.supportsVision != true { return false }
        return true
    }

    /// What the call would cost on a candidate at the catalog price: its estimated input plus its
    /// `max_tokens` (or ``RouteRequest/assumedOutputTokens``); nil when the candidate is unpriced.
    public static func estimatedCost(_ candidate: RouteCandidate, _ request: RouteRequest) -> Int64? {
        guard let price = candidate.price, price.isPriced else { return nil }
        let output = request.maxTokens ?? RouteRequest.assumedOutputTokens
        let usage = TokenUsage(inputUncached: request.estimatedInputTokens, output: output)
        return (try? price.cost(of: usage))?.totalNanoUSD
    }

    /// The cheapest candidate that fits, earlier in the tier on a tie; priced models before unpriced
    /// ones (an unknown price is never taken as cheap). Nil when none fits.
    public static func cheapest(_ candidates: [RouteCandidate], for request: RouteRequest) -> RouteCandidate? {
        var best: (candidate: RouteCandidate, cost: Int64?)?
        for candidate in candidates where fits(candidate, request) {
            let cost = estimatedCost(candidate, request)
            guard let current = best else {
                best = (candidate, cost)
                continue
            }
            switch (cost, current.cost) {
            case (let new?, let old?) where new < old: best = (candidate, cost)
            case (.some, nil): best = (candidate, cost)
            default: break
            }
        }
        return best?.candidate
    }
}
