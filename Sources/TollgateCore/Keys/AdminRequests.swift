/// The body of `POST /admin/v1/keys`.
public struct KeyCreateRequest: Sendable, Hashable, Decodable {
    /// Unique name: letters, digits, `.`, `_` and `-`, at most 64.
    public var name: String
    /// Organisation.
    public var org: String?
    /// Team.
    public var team: String?
    /// Application.
    public var app: String?
    /// Environment.
    public var environment: String?
    /// Cost centre.
    public var costCenter: String?
    /// Default workflow.
    public var workflow: String?
    /// Models the key may call; omitted allows all.
    public var allowedModels: [String]?
    /// Whether callers may override the workflow (true by default).
    public var allowOverride: Bool?
    /// Expiry, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
    public var expiresAt: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, org, team, app, environment, workflow
        case costCenter = "cost_center"
        case allowedModels = "allowed_models"
        case allowOverride = "allow_override"
        case expiresAt = "expires_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self).container
        name = try c.decode(String.self, forKey: .name)
        org = try c.decodeIfPresent(String.self, forKey: .org)
        team = try c.decodeIfPresent(String.self, forKey: .team)
        app = try c.decodeIfPresent(String.self, forKey: .app)
        environment = try c.decodeIfPresent(String.self, forKey: .environment)
        costCenter = try c.decodeIfPresent(String.self, forKey: .costCenter)
        workflow = try c.decodeIfPresent(String.self, forKey: .workflow)
        allowedModels = try c.decodeIfPresent([String].self, forKey: .allowedModels)
        allowOverride = try c.decodeIfPresent(Bool.self, forKey: .allowOverride)
        expiresAt = try c.decodeIfPresent(String.self, forKey: .expiresAt)
    }
}

/// The body of `PATCH /admin/v1/keys/{name}`: only the fields present change (`null` clears).
public struct KeyUpdateRequest: Sendable, Hashable, Decodable {
    /// New expiry (`null` removes it), if present.
    public var expiresAt: String??
    /// New model allowlist (`null` allows all), if present.
    public var allowedModels: [String]??
    /// New override flag, if present.
    public var allowOverride: Bool?
    /// New default workflow, if present.
    public var workflow: String??
    /// New environment, if present.
    public var environment: String??
    /// New cost centre, if present.
    public var costCenter: String??

    enum CodingKeys: String, CodingKey, CaseIterable {
        case workflow, environment
        case expiresAt = "expires_at"
        case allowedModels = "allowed_models"
        case allowOverride = "allow_override"
        case costCenter = "cost_center"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self).container
        func optional<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T?? {
            guard c.contains(key) else { return .none }
            if try c.decodeNil(forKey: key) { return .some(nil) }
            return .some(try c.decode(T.self, forKey: key))
        }
        expiresAt = try optional(.expiresAt, String.self)
        allowedModels = try optional(.allowedModels, [String].self)
        allowOverride = try c.decodeIfPresent(Bool.self, forKey: .allowOverride)
        workflow = try optional(.workflow, String.self)
        environment = try optional(.environment, String.self)
        costCenter = try optional(.costCenter, String.self)
    }
}

/// The body of `PUT /admin/v1/kill-switches`.
public struct KillSwitchRequest: Sendable, Hashable, Decodable {
    /// What to switch off.
    public var target: KillSwitch.Target
    /// Why (shown to callers).
    public var reason: String

    enum CodingKeys: String, CodingKey, CaseIterable { case workflow, provider, model, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self).container
        var targets: [KillSwitch.Target] = []
        for kind in KillSwitch.Target.Kind.allCases {
            if let name = try c.decodeIfPresent(String.self, forKey: CodingKeys(rawValue: kind.rawValue)!) {
                targets.append(.init(kind: kind, name: name))
            }
        }
        guard targets.count == 1, let target = targets.first, !target.name.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "name exactly one of workflow, provider or model"))
        }
        self.target = target
        reason = try c.decode(String.self, forKey: .reason)
        if reason.isEmpty { throw DecodingError.dataCorruptedError(forKey: .reason, in: c, debugDescription: "say why, so callers know") }
    }
}
