/// A business outcome reported by the application: what a call (or a whole agent trace) bought.
///
/// Outcomes are idempotent by ``id``, may arrive days after the calls they cover, and join the
/// ledger by request id (one call) or trace id (every call of that trace). Value is money, so it is
/// integer nano-USD like every other amount in the ledger.
public struct Outcome: Sendable, Hashable, Codable {
    /// The outcome's own id, chosen by the application; reporting it twice records it once.
    public var id: String
    /// The request id (`x-tollgate-request-id`) of the one call this outcome covers.
    public var requestID: String?
    /// The trace id (`x-tollgate-trace-id`) whose calls this outcome covers.
    public var traceID: String?
    /// The workflow that produced the outcome.
    public var workflow: String
    /// What the outcome is, e.g. `ticket_resolved`.
    public var name: String
    /// Whether it succeeded.
    public var status: Status
    /// Business value in nano-USD, if the application knows it.
    public var valueNanoUSD: Int64?
    /// Quality score between 0 and 1, if measured.
    public var quality: Double?
    /// Whether a human reviewed the outcome.
    public var humanReviewed: Bool?
    /// When the outcome happened, in milliseconds since 1970 (UTC).
    public var occurredAtMs: Int64
    /// When Tollgate received it, in milliseconds since 1970 (UTC).
    public var receivedAtMs: Int64

    /// Creates an outcome.
    public init(
        id: String, requestID: String? = nil, traceID: String? = nil, workflow: String, name: String,
        status: Status, valueNanoUSD: Int64? = nil, quality: Double? = nil, humanReviewed: Bool? = nil,
        occurredAtMs: Int64, receivedAtMs: Int64
    ) {
        self.id = id
        self.requestID = requestID
        self.traceID = traceID
        self.workflow = workflow
        self.name = name
        self.status = status
        self.valueNanoUSD = valueNanoUSD
        self.quality = quality
        self.humanReviewed = humanReviewed
        self.occurredAtMs = occurredAtMs
        self.receivedAtMs = receivedAtMs
    }

    /// How an outcome ended.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// The business goal was reached.
        case success
        /// It was not.
        case failure
        /// Part of it was reached.
        case partial
    }
}
