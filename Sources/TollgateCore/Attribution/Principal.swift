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
        var result = Attribution(keyID: keyID)
        for dimension in Attribution.Dimension.keyOwned { result[dimension] = self[owned: dimension] }
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

    /// The value the key carries for a dimension (for the workflow, its default); nil for dimensions keys do not carry.
    public subscript(owned dimension: Attribution.Dimension) -> String? {
        switch dimension {
        case .org: org
        case .team: team
        case .app: app
        case .environment: environment
        case .costCenter: costCenter
        case .workflow: defaultWorkflow
        case .customer, .user, .promptID, .promptVersion, .traceID: nil
        }
    }

    /// Trims a declared value; ``DeclaredValue`` decides whether it may be recorded.
    static func clean(_ raw: String) -> String {
        raw.trimmingWhitespace()
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

/// The rule for values a caller declares (workflow, customer, user, prompt id and version, trace,
/// tags): at most ``maxLength`` characters, none of them a control, format (bidi override,
/// zero-width) or line-separator character.
public enum DeclaredValue {
    /// The longest value accepted, in characters.
    public static let maxLength = 128

    /// Why `value` cannot be recorded, or nil when it can.
    public static func problem(_ value: String) -> String? {
        if value.count > maxLength { return "is longer than \(maxLength) characters" }
        if value.unicodeScalars.contains(where: TerminalText.isUnsafe) {
            return "contains a control, format (bidi, zero-width) or line-separator character"
        }
        return nil
    }
}

extension Attribution {
    /// The first declared value that breaks ``DeclaredValue``'s rule: its dimension's name and the problem.
    public var declaredProblem: (field: String, problem: String)? {
        for dimension in Dimension.declarable where declared.contains(dimension) {
            if let value = self[dimension], let problem = DeclaredValue.problem(value) { return (dimension.header ?? "\(dimension)", problem) }
        }
        for (key, value) in tags {
            if let problem = DeclaredValue.problem(key) ?? DeclaredValue.problem(value) { return ("x-tollgate-tags", problem) }
        }
        return nil
    }
}
