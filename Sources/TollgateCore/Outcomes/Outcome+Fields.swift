/// One raw field value of a reported outcome, before validation.
public enum OutcomeFieldValue: Sendable, Hashable {
    /// A string (JSON string, or any CSV cell).
    case text(String)
    /// A JSON number, as its literal text (never rounded through `Double`).
    case number(String)
    /// A JSON boolean.
    case bool(Bool)
    /// JSON `null` or an empty CSV cell.
    case null

    var typeName: String {
        switch self {
        case .text: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

extension Outcome {
    /// The field names an outcome may carry (API and CSV header), in documentation order.
    public static let fieldNames = [
        "id", "request_id", "trace_id", "workflow", "outcome", "status", "value_usd", "quality", "human_reviewed", "occurred_at",
    ]

    /// The longest accepted id, name or workflow, in UTF-8 bytes.
    public static let maxTextBytes = 256

    /// Validates raw fields into an outcome.
    ///
    /// Rules (see `docs/metrics.md`): `id`, `workflow`, `outcome` and `status` are required; at least one of
    /// `request_id` and `trace_id`; `value_usd` is a non-negative decimal with at most 9 fractional digits;
    /// `quality` is in [0, 1]; `occurred_at` is RFC 3339 or epoch seconds, not more than a day ahead of
    /// `receivedAtMs`, and defaults to it.
    /// - Parameters:
    ///   - fields: Field name → value; unknown names are errors.
    ///   - location: Prefix for error locations; `describe` turns a field name into a location.
    ///   - textOnly: The values come from CSV cells: numbers and booleans arrive as text.
    ///   - receivedAtMs: When Tollgate received it.
    public static func validated(
        fields: [(name: String, value: OutcomeFieldValue)], describe: @escaping (String) -> String, textOnly: Bool, receivedAtMs: Int64
    ) throws(OutcomeInputError) -> Outcome {
        var values: [String: OutcomeFieldValue] = [:]
        for (name, value) in fields {
            guard fieldNames.contains(name) else {
                throw OutcomeInputError(
                    location: describe(name), message: "unknown field '\(name)' (expected: \(fieldNames.joined(separator: ", ")))", field: name)
            }
            guard values[name] == nil else {
                throw OutcomeInputError(location: describe(name), message: "field '\(name)' appears twice", field: name)
            }
            values[name] = value
        }
        let input = FieldReader(values: values, describe: describe, textOnly: textOnly)
        let id = try input.text("id", required: true)!
        let requestID = try input.text("request_id", required: false)
        let traceID = try input.text("trace_id", required: false)
        guard requestID != nil || traceID != nil else {
            throw input.fail("request_id", "one of 'request_id' and 'trace_id' is required (the calls this outcome covers)")
        }
        let workflow = try input.text("workflow", required: true)!
        let name = try input.text("outcome", required: true)!
        let statusText = try input.text("status", required: true)!
        guard let status = Status(rawValue: statusText) else {
            throw input.fail("status", "must be one of success, failure, partial, got '\(statusText)'")
        }
        return Outcome(
            id: id, requestID: requestID, traceID: traceID, workflow: workflow, name: name, status: status, valueNanoUSD: try input.valueNano(),
            quality: try input.quality(), humanReviewed: try input.humanReviewed(), occurredAtMs: try input.occurredMs(receivedAtMs: receivedAtMs),
            receivedAtMs: receivedAtMs)
    }

    /// Reads and checks one outcome's fields, each error naming its field's location.
    private struct FieldReader {
        let values: [String: OutcomeFieldValue]
        let describe: (String) -> String
        let textOnly: Bool

        func fail(_ name: String, _ message: String) -> OutcomeInputError {
            OutcomeInputError(location: describe(name), message: message, field: name)
        }

        func text(_ name: String, required: Bool) throws(OutcomeInputError) -> String? {
            switch values[name] ?? .null {
            case .null:
                if required { throw fail(name, "is required") }
                return nil
            case .text(let string):
                if string.isEmpty {
                    if required { throw fail(name, "is required and must not be empty") }
                    return nil
                }
                guard string.utf8.count <= Outcome.maxTextBytes else { throw fail(name, "is longer than \(Outcome.maxTextBytes) bytes") }
                guard !string.unicodeScalars.contains(where: TerminalText.isUnsafe) else {
                    throw fail(name, "contains a control, format (bidi, zero-width) or line-separator character")
                }
                return string
            case let other:
                throw fail(name, "must be a string, got \(other.typeName)")
            }
        }

        func valueNano() throws(OutcomeInputError) -> Int64? {
            switch values["value_usd"] ?? .null {
            case .null: return nil
            case .text(let string) where string.isEmpty: return nil
            case .text(let literal), .number(let literal):
                guard let literalValue = ExactDecimal.parse(literal) else {
                    throw fail("value_usd", "'\(literal)' is not a decimal number (write USD such as \"12.50\")")
                }
                guard !literalValue.negative else { throw fail("value_usd", "must not be negative, got \(literal)") }
                guard let nano = ExactDecimal.scaled(literalValue, fractionalDigits: 9) else {
                    throw fail("value_usd", "'\(literal)' has more than 9 decimal places or is too large")
                }
                guard nano <= Int128(Int64.max) else { throw fail("value_usd", "'\(literal)' is too large") }
                return Int64(nano)
            case let other:
                throw fail("value_usd", "must be a decimal string or number, got \(other.typeName)")
            }
        }

        func quality() throws(OutcomeInputError) -> Double? {
            switch values["quality"] ?? .null {
            case .null: return nil
            case .text(let string) where string.isEmpty: return nil
            case .text(let literal) where textOnly, .number(let literal):
                guard ExactDecimal.parse(literal) != nil, let q = Double(literal), q.isFinite else {
                    throw fail("quality", "'\(literal)' is not a number")
                }
                guard q >= 0 && q <= 1 else { throw fail("quality", "must be between 0 and 1, got \(literal)") }
                return q
            case let other:
                throw fail("quality", "must be a number between 0 and 1, got \(other.typeName)")
            }
        }

        func humanReviewed() throws(OutcomeInputError) -> Bool? {
            switch values["human_reviewed"] ?? .null {
            case .null: return nil
            case .bool(let flag): return flag
            case .text(let string) where textOnly:
                switch string.lowercased() {
                case "": return nil
                case "true", "1", "yes": return true
                case "false", "0", "no": return false
                default: throw fail("human_reviewed", "must be true or false, got '\(string)'")
                }
            case let other:
                throw fail("human_reviewed", "must be a boolean, got \(other.typeName)")
            }
        }

        func occurredMs(receivedAtMs: Int64) throws(OutcomeInputError) -> Int64 {
            var occurred = receivedAtMs
            switch values["occurred_at"] ?? .null {
            case .null: break
            case .text(let string) where string.isEmpty: break
            case .text(let string) where textOnly && string.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }):
                occurred = try Outcome.epochMs(string, fail: { fail("occurred_at", $0) })
            case .text(let string):
                guard let ms = RFC3339.parseMs(string) else {
                    throw fail("occurred_at", "'\(string)' is not an RFC 3339 time such as 2026-10-05T14:30:00Z")
                }
                occurred = ms
            case .number(let literal):
                occurred = try Outcome.epochMs(literal, fail: { fail("occurred_at", $0) })
            case let other:
                throw fail("occurred_at", "must be an RFC 3339 string or epoch seconds, got \(other.typeName)")
            }
            guard occurred <= receivedAtMs + 86_400_000 else {
                throw fail("occurred_at", "is more than a day in the future (\(CivilDate.formatTimestamp(ms: occurred)) UTC)")
            }
            return occurred
        }
    }

    /// Epoch seconds (with up to 3 decimals) to milliseconds.
    fileprivate static func epochMs(_ literal: String, fail: (String) -> OutcomeInputError) throws(OutcomeInputError) -> Int64 {
        guard let parsed = ExactDecimal.parse(literal), !parsed.negative else {
            throw fail("'\(literal)' is not a non-negative number of epoch seconds")
        }
        guard let ms = ExactDecimal.scaled(parsed, fractionalDigits: 3) else {
            throw fail("'\(literal)' has more than 3 decimal places; give epoch seconds with at most millisecond precision")
        }
        guard ms < 100_000_000_000 * 1_000 else {
            throw fail("'\(literal)' is too large for epoch seconds (milliseconds? divide by 1000)")
        }
        return Int64(ms)
    }
}
