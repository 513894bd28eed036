/// Who a call is for: the trusted principal behind the virtual key plus what the caller declared.
///
/// The key's principal is trusted; headers (`x-tollgate-*`) may add or override the
/// declarable dimensions. ``declared`` records which dimensions came from headers, so a
/// report can tell trusted attribution from self-declared attribution.
public struct Attribution: Sendable, Hashable, Codable {
    /// The name of the virtual key that authenticated the call (never the secret).
    public var keyID: String
    /// Organisation (from the key).
    public var org: String?
    /// Team (from the key).
    public var team: String?
    /// Application (from the key).
    public var app: String?
    /// Environment such as `prod` or `staging` (from the key).
    public var environment: String?
    /// Cost centre (from the key).
    public var costCenter: String?
    /// Business workflow (key default, or declared).
    public var workflow: String?
    /// End customer the call served (declared).
    public var customer: String?
    /// End user (declared).
    public var user: String?
    /// Prompt identifier (declared).
    public var promptID: String?
    /// Prompt version (declared).
    public var promptVersion: String?
    /// Trace (agent task) identifier (declared).
    public var traceID: String?
    /// Dimensions whose value came from request headers rather than the key.
    public var declared: Set<Dimension>
    /// Free-form tags the caller declared with `x-tollgate-tags: name=value, ...` (always declared).
    public var tags: [String: String]

    /// Creates an attribution value.
    public init(
        keyID: String, org: String? = nil, team: String? = nil, app: String? = nil, environment: String? = nil,
        costCenter: String? = nil, workflow: String? = nil, customer: String? = nil, user: String? = nil,
        promptID: String? = nil, promptVersion: String? = nil, traceID: String? = nil, declared: Set<Dimension> = [],
        tags: [String: String] = [:]
    ) {
        self.keyID = keyID
        self.org = org
        self.team = team
        self.app = app
        self.environment = environment
        self.costCenter = costCenter
        self.workflow = workflow
        self.customer = customer
        self.user = user
        self.promptID = promptID
        self.promptVersion = promptVersion
        self.traceID = traceID
        self.declared = declared
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case keyID, org, team, app, environment, costCenter, workflow, customer, user, promptID, promptVersion, traceID, declared, tags
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            keyID: try c.decode(String.self, forKey: .keyID), org: try c.decodeIfPresent(String.self, forKey: .org),
            team: try c.decodeIfPresent(String.self, forKey: .team), app: try c.decodeIfPresent(String.self, forKey: .app),
            environment: try c.decodeIfPresent(String.self, forKey: .environment),
            costCenter: try c.decodeIfPresent(String.self, forKey: .costCenter), workflow: try c.decodeIfPresent(String.self, forKey: .workflow),
            customer: try c.decodeIfPresent(String.self, forKey: .customer), user: try c.decodeIfPresent(String.self, forKey: .user),
            promptID: try c.decodeIfPresent(String.self, forKey: .promptID),
            promptVersion: try c.decodeIfPresent(String.self, forKey: .promptVersion),
            traceID: try c.decodeIfPresent(String.self, forKey: .traceID),
            declared: try c.decodeIfPresent(Set<Dimension>.self, forKey: .declared) ?? [],
            tags: try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:])
    }

    /// Tags as stored in the ledger: a JSON object with sorted keys, or nil when there are none.
    public var tagsJSON: String? {
        guard !tags.isEmpty else { return nil }
        return "{" + tags.sorted { $0.key < $1.key }.map { JSONText.quote($0.key) + ":" + JSONText.quote($0.value) }.joined(separator: ",") + "}"
    }

    /// Parses an `x-tollgate-tags` header: `name=value` pairs separated by commas. Names are 1–64 letters,
    /// digits, `_`, `-` or `.`; values are trimmed and cut at 128 characters; at most 16 tags; malformed pairs are ignored.
    public static func parseTags(_ header: String) -> [String: String] {
        var tags: [String: String] = [:]
        for pair in header.split(separator: ",") where tags.count < 16 {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]).trimmingWhitespace()
            let value = Principal.clean(String(pair[pair.index(after: equals)...]))
            let valid = name.utf8.allSatisfy { c in
                (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c == 45 || c == 46
            }
            guard !name.isEmpty, name.utf8.count <= 64, valid, !value.isEmpty else { continue }
            tags[name] = value
        }
        return tags
    }

    /// A dimension a call can be attributed to.
    public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case org, team, app, environment, costCenter = "cost_center", workflow, customer, user
        case promptID = "prompt_id", promptVersion = "prompt_version", traceID = "trace_id"

        /// The request header that declares this dimension, if callers may declare it.
        public var header: String? {
            switch self {
            case .workflow: "x-tollgate-workflow"
            case .customer: "x-tollgate-customer"
            case .user: "x-tollgate-user"
            case .promptID: "x-tollgate-prompt-id"
            case .promptVersion: "x-tollgate-prompt-version"
            case .traceID: "x-tollgate-trace-id"
            case .org, .team, .app, .environment, .costCenter: nil
            }
        }

        /// Dimensions a caller may declare through headers.
        public static let declarable: [Dimension] = allCases.filter { $0.header != nil }

        public static func < (lhs: Dimension, rhs: Dimension) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The value of one dimension.
    public subscript(dimension: Dimension) -> String? {
        get {
            switch dimension {
            case .org: org
            case .team: team
            case .app: app
            case .environment: environment
            case .costCenter: costCenter
            case .workflow: workflow
            case .customer: customer
            case .user: user
            case .promptID: promptID
            case .promptVersion: promptVersion
            case .traceID: traceID
            }
        }
        set {
            switch dimension {
            case .org: org = newValue
            case .team: team = newValue
            case .app: app = newValue
            case .environment: environment = newValue
            case .costCenter: costCenter = newValue
            case .workflow: workflow = newValue
            case .customer: customer = newValue
            case .user: user = newValue
            case .promptID: promptID = newValue
            case .promptVersion: promptVersion = newValue
            case .traceID: traceID = newValue
            }
        }
    }
}
