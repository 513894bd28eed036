extension Attribution {
    /// A dimension a call can be attributed to.
    ///
    /// This is the one list of them: the ledger's columns, the entry binder, the admission log's
    /// lines, the JSON of an attribution, the key views of the admin API and the scopes, spend and
    /// report groupings that name an attribution dimension all follow from it. A new dimension is a
    /// new case here (and a migration that adds its column).
    public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case org, team, app, environment
        case costCenter = "cost_center"
        case workflow, customer, user
        case promptID = "prompt_id"
        case promptVersion = "prompt_version"
        case traceID = "trace_id"

        /// Its name in Tollgate's JSON (ledger entries, admissions): `costCenter`, `promptID`.
        public var field: String {
            switch self {
            case .costCenter: "costCenter"
            case .promptID: "promptID"
            case .promptVersion: "promptVersion"
            case .traceID: "traceID"
            default: rawValue
            }
        }

        /// Its column in the ledger: `costCenter`, `promptId`.
        public var column: String {
            switch self {
            case .promptID: "promptId"
            case .traceID: "traceId"
            default: field
            }
        }

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

        /// Whether a virtual key carries a value for it (for the workflow, the default a caller may override).
        public var isKeyOwned: Bool {
            switch self {
            case .org, .team, .app, .environment, .costCenter, .workflow: true
            case .customer, .user, .promptID, .promptVersion, .traceID: false
            }
        }

        /// Dimensions a caller may declare through headers.
        public static let declarable: [Dimension] = allCases.filter { $0.header != nil }

        /// Dimensions a key carries.
        public static let keyOwned: [Dimension] = allCases.filter(\.isKeyOwned)

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

extension Attribution {
    /// The JSON keys of an attribution besides its dimensions' (each dimension's is its ``Dimension/field``).
    private enum FieldKey {
        static let keyID = AnyCodingKey(stringValue: "keyID")
        static let declared = AnyCodingKey(stringValue: "declared")
        static let tags = AnyCodingKey(stringValue: "tags")
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            keyID: try c.decode(String.self, forKey: FieldKey.keyID),
            declared: try c.decodeIfPresent(Set<Dimension>.self, forKey: FieldKey.declared) ?? [],
            tags: try c.decodeIfPresent([String: String].self, forKey: FieldKey.tags) ?? [:])
        for dimension in Dimension.allCases {
            self[dimension] = try c.decodeIfPresent(String.self, forKey: AnyCodingKey(stringValue: dimension.field))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(keyID, forKey: FieldKey.keyID)
        for dimension in Dimension.allCases {
            try c.encodeIfPresent(self[dimension], forKey: AnyCodingKey(stringValue: dimension.field))
        }
        try c.encode(declared, forKey: FieldKey.declared)
        try c.encode(tags, forKey: FieldKey.tags)
    }
}
