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
}
