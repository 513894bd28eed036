/// Who or what a budget, rate limit, agent limit or policy applies to.
///
/// A scope is a set of dimension conditions, all of which must hold. A condition's value is either
/// an exact value (`team: support`) or `*`, which means "each distinct value separately": a budget
/// with `key: "*"` gives every key its own counter. An empty scope matches every request (one counter).
public struct GovernanceScope: Sendable, Hashable {
    /// A dimension a scope can test.
    public enum Dimension: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
        case org, team, app, key, environment, workflow, customer, user, model, provider
        case costCenter = "cost_center"
        case promptID = "prompt_id"
        case promptVersion = "prompt_version"

        public static func < (lhs: Dimension, rhs: Dimension) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The attribution dimension this one tests, or nil for the key, the model and the provider.
        public var attribution: Attribution.Dimension? {
            switch self {
            case .org: .org
            case .team: .team
            case .app: .app
            case .environment: .environment
            case .workflow: .workflow
            case .customer: .customer
            case .user: .user
            case .costCenter: .costCenter
            case .promptID: .promptID
            case .promptVersion: .promptVersion
            case .key, .model, .provider: nil
            }
        }

        /// The value of this dimension for a request.
        public func value(in facts: RequestFacts) -> String? {
            switch self {
            case .key: facts.attribution.keyID
            case .model: facts.model
            case .provider: facts.provider
            default: attribution.flatMap { facts.attribution[$0] }
            }
        }
    }

    /// A condition on one dimension.
    public enum Condition: Sendable, Hashable {
        /// The dimension must have exactly this value.
        case equals(String)
        /// Every distinct value (a missing value included, as the `unattributed` bucket) has its own counter.
        case each
    }

    /// Conditions by dimension.
    public var conditions: [Dimension: Condition]
    /// Conditions on tags (`x-tollgate-tags`), by tag name.
    public var tags: [String: Condition]

    /// Creates a scope.
    public init(_ conditions: [Dimension: Condition] = [:], tags: [String: Condition] = [:]) {
        self.conditions = conditions
        self.tags = tags
    }

    /// Tag names split per value (`*`), in a stable order.
    public var perValueTags: [String] {
        tags.filter { $0.value == .each }.map(\.key).sorted()
    }

    /// The dimensions split per value (`*`), in a stable order.
    public var perValueDimensions: [Dimension] {
        conditions.filter { $0.value == .each }.map(\.key).sorted()
    }

    /// Whether the scope applies to a request, and if so the counter key within it
    /// (the per-value dimensions' values joined, empty for a single counter).
    public func key(for facts: RequestFacts) -> String? {
        if conditions.isEmpty && tags.isEmpty { return "" }
        var parts: [String] = []
        for dimension in Self.orderedDimensions {
            guard let condition = conditions[dimension] else { continue }
            let value = dimension.value(in: facts)
            switch condition {
            case .equals(let wanted):
                guard value == wanted else { return nil }
            case .each:
                parts.append(value ?? Self.unattributed)
            }
        }
        for (name, condition) in tags.sorted(by: { $0.key < $1.key }) {
            let value = facts.attribution.tags[name]
            switch condition {
            case .equals(let wanted):
                guard value == wanted else { return nil }
            case .each:
                parts.append(value ?? Self.unattributed)
            }
        }
        return parts.joined(separator: "/")
    }

    /// A short description, e.g. `team=support, key=*`, or `everything`.
    public var text: String {
        if conditions.isEmpty && tags.isEmpty { return "everything" }
        func describe(_ name: String, _ condition: Condition) -> String {
            switch condition {
            case .equals(let value): "\(name)=\(value)"
            case .each: "\(name)=*"
            }
        }
        let dimensions = conditions.sorted { $0.key < $1.key }.map { describe($0.key.rawValue, $0.value) }
        let tagged = tags.sorted { $0.key < $1.key }.map { describe("tag:\($0.key)", $0.value) }
        return (dimensions + tagged).joined(separator: ", ")
    }

    /// Dimensions in counter-key order.
    static let orderedDimensions = Dimension.allCases.sorted()

    /// The counter key used for requests with no value in a per-value dimension.
    public static let unattributed = "(unattributed)"
}

extension GovernanceScope: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        var conditions: [Dimension: Condition] = [:]
        var tags: [String: Condition] = [:]
        for key in container.allKeys {
            if key.stringValue == "tags" {
                let nested = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key)
                for tag in nested.allKeys {
                    guard let value = try? nested.decode(String.self, forKey: tag), !value.isEmpty else {
                        throw DecodingError.dataCorruptedError(
                            forKey: tag, in: nested, debugDescription: "a tag value must be a non-empty string, or \"*\"")
                    }
                    tags[tag.stringValue] = value == "*" ? .each : .equals(value)
                }
                continue
            }
            guard let dimension = Dimension(rawValue: key.stringValue) else {
                let expected = (Dimension.allCases.map(\.rawValue) + ["tags"]).sorted().joined(separator: ", ")
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath + [key], debugDescription: "unknown scope '\(key.stringValue)' (expected one of: \(expected))")
                )
            }
            let value: String
            if let text = try? container.decode(String.self, forKey: key) {
                value = text
            } else if let number = try? container.decode(Int.self, forKey: key) {
                value = String(number)
            } else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "a scope value must be a string, or \"*\" for each value")
            }
            if value.isEmpty {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "a scope value must not be empty")
            }
            conditions[dimension] = value == "*" ? .each : .equals(value)
        }
        self.init(conditions, tags: tags)
    }
}

/// What governance knows about a request when it decides whether to admit it.
public struct RequestFacts: Sendable, Hashable {
    /// Who the call is for.
    public var attribution: Attribution
    /// The configured model name the caller asked for.
    public var model: String
    /// The provider that would serve it.
    public var provider: String
    /// The catalog key that prices it.
    public var priceModel: String
    /// Size of the request body in bytes (a true upper bound on its text input tokens).
    public var inputBytes: Int64
    /// Input tokens estimated from the prompt text.
    public var estimatedInputTokens: Int64
    /// The output cap the call will carry, after policy (nil when none is known).
    public var maxTokens: Int64?
    /// Completions asked for (`n`), which multiplies output.
    public var choices: Int64
    /// Whether the call streams.
    public var stream: Bool
    /// Whether the call generates output (false for embeddings).
    public var hasOutput: Bool
    /// Admission time, milliseconds since 1970 (UTC).
    public var nowMs: Int64

    /// Creates request facts.
    public init(
        attribution: Attribution, model: String, provider: String, priceModel: String, inputBytes: Int64,
        estimatedInputTokens: Int64, maxTokens: Int64? = nil, choices: Int64 = 1, stream: Bool = false, hasOutput: Bool = true,
        nowMs: Int64
    ) {
        self.attribution = attribution
        self.model = model
        self.provider = provider
        self.priceModel = priceModel
        self.inputBytes = inputBytes
        self.estimatedInputTokens = estimatedInputTokens
        self.maxTokens = maxTokens
        self.choices = choices
        self.stream = stream
        self.hasOutput = hasOutput
        self.nowMs = nowMs
    }
}
