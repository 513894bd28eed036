/// The trusted identity behind a virtual key, with the attribution defaults it carries.
public struct Principal: Sendable, Hashable, Codable {
    /// The key's name: safe to log and store (the secret never is).
    public var keyID: String
    /// Organisation.
    public var org: String?
    /// Team.
    public var team: String?
    /// Application.
    public var app: String?
    /// Environment (`prod`, `staging`, ...).
    public var environment: String?
    /// Cost centre.
    public var costCenter: String?
    /// Workflow used when the caller declares none.
    public var defaultWorkflow: String?
    /// Whether callers may override the key's workflow through `x-tollgate-workflow`.
    public var allowsOverride: Bool
    /// Models (configured names) the key may call; nil allows all.
    public var allowedModels: Set<String>?

    /// Creates a principal.
    public init(
        keyID: String, org: String? = nil, team: String? = nil, app: String? = nil, environment: String? = nil,
        costCenter: String? = nil, defaultWorkflow: String? = nil, allowsOverride: Bool = true,
        allowedModels: Set<String>? = nil
    ) {
        self.keyID = keyID
        self.org = org
        self.team = team
        self.app = app
        self.environment = environment
        self.costCenter = costCenter
        self.defaultWorkflow = defaultWorkflow
        self.allowsOverride = allowsOverride
        self.allowedModels = allowedModels
    }

    /// Attributes a call: the key's dimensions, plus what the caller declared in headers.
    ///
    /// - Parameter header: Looks up a request header by lower-case name.
    /// - Returns: The attribution, with ``Attribution/declared`` naming each dimension taken from a header.
    ///   A declared workflow is ignored when the key forbids overrides and has a default workflow.
    public func attribute(header: (String) -> String?) -> Attribution {
        var result = Attribution(
            keyID: keyID, org: org, team: team, app: app, environment: environment, costCenter: costCenter,
            workflow: defaultWorkflow
        )
        for dimension in Attribution.Dimension.declarable {
            guard let name = dimension.header, let raw = header(name) else { continue }
            let value = Self.clean(raw)
            guard !value.isEmpty else { continue }
            if dimension == .workflow, !allowsOverride, defaultWorkflow != nil { continue }
            result[dimension] = value
            result.declared.insert(dimension)
        }
        if let raw = header("x-tollgate-tags") { result.tags = Attribution.parseTags(raw) }
        return result
    }

    /// Trims and bounds a declared value (128 characters) so one caller cannot bloat the ledger.
    static func clean(_ raw: String) -> String {
        let trimmed = raw.trimmingWhitespace()
        return trimmed.count > 128 ? String(trimmed.prefix(128)) : trimmed
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
