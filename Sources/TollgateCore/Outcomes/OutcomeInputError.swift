/// A reported outcome that cannot be accepted, with where the problem is and what is wrong.
///
/// ``location`` reads like `outcomes[2].quality` (API) or `line 7, column quality` (CSV).
public struct OutcomeInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where: a field path or a line and column; empty for the document as a whole.
    public var location: String
    /// What was wrong, and what was expected.
    public var message: String
    /// The API field name involved, if any (`quality`), for the OpenAI error `param`.
    public var field: String?

    /// Creates an input error.
    public init(location: String, message: String, field: String? = nil) {
        self.location = location
        self.message = message
        self.field = field
    }

    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}
