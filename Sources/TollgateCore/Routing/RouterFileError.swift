/// Why a router file (or a router built by hand) cannot be used.
///
/// ``code`` says what kind of problem it is, ``field`` where (a path such as `models[2].indices[17]`), and
/// ``reason`` what is wrong in words.
public struct RouterFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case notJSON = "not JSON"
            case wrongFormat = "wrong format"
            case missingField = "missing field"
            case invalidField = "invalid field"
            case weightOutOfRange = "weight out of range"
            case thresholdOutOfRange = "threshold out of range"
            case noModels = "no models"
            case fingerprintMismatch = "fingerprint mismatch"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// The bytes are not a JSON document (or not an object).
        public static let notJSON = Code(.notJSON)
        /// The `format` field is not ``LearnedRouter/format``.
        public static let wrongFormat = Code(.wrongFormat)
        /// A required field is absent.
        public static let missingField = Code(.missingField)
        /// A field has the wrong type or an impossible value.
        public static let invalidField = Code(.invalidField)
        /// A weight's feature index is outside the features, out of order, or its arrays differ in length.
        public static let weightOutOfRange = Code(.weightOutOfRange)
        /// The threshold is outside `[0, 1]`.
        public static let thresholdOutOfRange = Code(.thresholdOutOfRange)
        /// The router has no model.
        public static let noModels = Code(.noModels)
        /// The stored fingerprint is not the one of the features and models in the file.
        public static let fingerprintMismatch = Code(.fingerprintMismatch)

        /// The kind in words (`missing field`).
        public var description: String { value.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// Where: a path into the document (`models[2].weights`), empty for the document as a whole.
    public let field: String
    /// What is wrong.
    public let reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - field: Where, as a path into the document.
    ///   - reason: What is wrong.
    public init(_ code: Code, field: String = "", _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `<kind>: <field>: <reason>`.
    public var description: String {
        field.isEmpty ? "\(code): \(reason)" : "\(code): \(field): \(reason)"
    }
}
