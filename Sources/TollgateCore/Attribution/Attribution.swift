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

    /// Creates an attribution value.
    public init(
        keyID: String, org: String? = nil, team: String? = nil, app: String? = nil, environment: String? = nil,
        costCenter: String? = nil, workflow: String? = nil, customer: String? = nil, user: String? = nil,
        promptID: String? = nil, promptVersion: String? = nil, traceID: String? = nil, declared: Set<Dimension> = []
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
