/// An error from the price catalog or the cost arithmetic: malformed catalog data, a usage
/// that cannot be priced, or arithmetic that would overflow.
///
/// The ``description`` says what went wrong and where (the model key and the field, or the
/// byte offset in a JSON document). Money arithmetic never wraps: an overflow is reported
/// as this error.
public struct PricingError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case malformedJSON
        case invalidField
        case invalidUsage
        case unpriced
        case missingRate
        case overflow
        case inexact
    }

    private let code: Code
    /// A human-readable account of the failure, naming the model and field involved.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The error text, prefixed by its category (for example `overflow: …`).
    public var description: String { "\(code.rawValue): \(message)" }

    /// True when the error is an arithmetic overflow (the cost does not fit the money types).
    public var isOverflow: Bool { code == .overflow }

    static func malformedJSON(_ message: String) -> PricingError { PricingError(.malformedJSON, message) }
    static func invalidField(_ message: String) -> PricingError { PricingError(.invalidField, message) }
    static func invalidUsage(_ message: String) -> PricingError { PricingError(.invalidUsage, message) }
    static func unpriced(_ message: String) -> PricingError { PricingError(.unpriced, message) }
    static func missingRate(_ message: String) -> PricingError { PricingError(.missingRate, message) }
    static func overflow(_ message: String) -> PricingError { PricingError(.overflow, message) }
    static func inexact(_ message: String) -> PricingError { PricingError(.inexact, message) }
}
