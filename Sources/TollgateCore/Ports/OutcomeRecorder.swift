/// Where reported outcomes are kept: implemented by the ledger store, handed to the gateway by the wiring.
///
/// Recording is idempotent by ``Outcome/id``: a batch is applied whole or not at all.
/// - An outcome whose id is new is recorded (`accepted`).
/// - An outcome whose id is already recorded with the same payload is a `duplicate` and changes nothing
///   (the first `received_at` stays).
/// - An outcome whose id is already recorded with a *different* payload is a conflict: the whole batch is
///   rejected with ``OutcomeConflict`` and nothing is applied. Outcomes are immutable; report a correction
///   under a new id.
public protocol OutcomeRecorder: Sendable {
    /// Records a batch atomically.
    /// - Throws: ``OutcomeConflict`` when an id is already recorded with different fields.
    func record(outcomes: [Outcome]) async throws -> OutcomeRecordResult
}

/// What recording a batch did.
public struct OutcomeRecordResult: Sendable, Hashable, Codable {
    /// Outcomes recorded for the first time.
    public var accepted: Int
    /// Outcomes already recorded with the same payload (ignored).
    public var duplicates: Int

    /// Creates a result.
    public init(accepted: Int, duplicates: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}

/// An outcome id that is already recorded with a different payload.
public struct OutcomeConflict: Error, Sendable, Hashable, CustomStringConvertible {
    /// The outcome id.
    public var id: String
    /// The fields whose values differ (snake_case API names).
    public var fields: [String]

    /// Creates a conflict.
    public init(id: String, fields: [String]) {
        self.id = id
        self.fields = fields
    }

    public var description: String {
        "outcome '\(id)' is already recorded with a different \(fields.joined(separator: ", ")); outcomes are immutable, "
            + "so report a correction under a new id (nothing in this batch was applied)"
    }
}

extension Outcome {
    /// The API names of the fields in which `other` (a re-report) differs from this outcome.
    ///
    /// ``receivedAtMs`` is not compared. Nor is ``occurredAtMs`` when `other` did not give one (it then equals its
    /// own receipt time): a retry that omits `occurred_at` is the same outcome, which keeps its first time.
    public func differingFields(from other: Outcome) -> [String] {
        var out: [String] = []
        if requestID != other.requestID { out.append("request_id") }
        if traceID != other.traceID { out.append("trace_id") }
        if workflow != other.workflow { out.append("workflow") }
        if name != other.name { out.append("outcome") }
        if status != other.status { out.append("status") }
        if valueNanoUSD != other.valueNanoUSD { out.append("value_usd") }
        if quality != other.quality { out.append("quality") }
        if humanReviewed != other.humanReviewed { out.append("human_reviewed") }
        if occurredAtMs != other.occurredAtMs && other.occurredAtMs != other.receivedAtMs { out.append("occurred_at") }
        return out
    }
}
