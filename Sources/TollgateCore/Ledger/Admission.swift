/// The durable record made before a call is forwarded upstream.
///
/// Every admission is completed by exactly one ``LedgerEntry`` with the same id. If the process
/// dies first, recovery turns the admission into an `interrupted` entry with estimated usage.
public struct Admission: Sendable, Hashable, Codable {
    /// The request id.
    public var id: String
    /// Admission time, milliseconds since 1970 (UTC).
    public var timestampMs: Int64
    /// The route, e.g. `chat.completions`.
    public var route: String
    /// The provider it is forwarded to.
    public var provider: String
    /// The model the caller asked for.
    public var requestedModel: String
    /// The model sent upstream.
    public var upstreamModel: String
    /// The catalog key that prices this model.
    public var priceModel: String
    /// Whether the caller asked for a stream.
    public var stream: Bool
    /// Estimated input tokens (from the request body).
    public var estimatedInputTokens: Int64
    /// Who the call is for.
    public var attribution: Attribution
    /// The client's own retry count, if sent.
    public var clientRetryCount: Int?
    /// The request this is one upstream call of, when a request makes several (see ``LedgerEntry/parentID``).
    public var parentID: String?

    /// Creates an admission.
    public init(
        id: String, timestampMs: Int64, route: String, provider: String, requestedModel: String, upstreamModel: String,
        priceModel: String, stream: Bool, estimatedInputTokens: Int64, attribution: Attribution, clientRetryCount: Int? = nil,
        parentID: String? = nil
    ) {
        self.parentID = parentID
        self.id = id
        self.timestampMs = timestampMs
        self.route = route
        self.provider = provider
        self.requestedModel = requestedModel
        self.upstreamModel = upstreamModel
        self.priceModel = priceModel
        self.stream = stream
        self.estimatedInputTokens = estimatedInputTokens
        self.attribution = attribution
        self.clientRetryCount = clientRetryCount
    }
}
