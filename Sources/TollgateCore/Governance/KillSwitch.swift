/// A switch that stops every call to a workflow, provider or model at once (503).
public struct KillSwitch: Sendable, Hashable, Codable {
    /// What is switched off.
    public var target: Target
    /// Who switched it off.
    public var by: String
    /// Why.
    public var reason: String
    /// When, in milliseconds since 1970 (set by the admin API; nil for switches in the file).
    public var atMs: Int64?

    /// Creates a kill switch.
    public init(target: Target, by: String, reason: String, atMs: Int64? = nil) {
        self.target = target
        self.by = by
        self.reason = reason
        self.atMs = atMs
    }

    /// The thing switched off.
    public struct Target: Sendable, Hashable, Codable {
        /// `workflow`, `provider` or `model`.
        public var kind: Kind
        /// Its name.
        public var name: String

        /// Creates a target.
        public init(kind: Kind, name: String) {
            self.kind = kind
            self.name = name
        }

        /// Kinds of targets.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case workflow, provider, model }

        /// e.g. `workflow 'triage'`.
        public var text: String { "\(kind.rawValue) '\(name)'" }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case workflow, provider, model, by, reason, at }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        var targets: [Target] = []
        for kind in Target.Kind.allCases {
            let key = CodingKeys(rawValue: kind.rawValue)!
            if let name = try c.decodeIfPresent(String.self, forKey: key) { targets.append(Target(kind: kind, name: name)) }
        }
        if targets.count != 1 { try c.problem("a kill switch names exactly one of workflow, provider or model") }
        self.target = targets.first ?? Target(kind: .workflow, name: "")
        by = try c.decode(String.self, forKey: .by, else: "")
        reason = try c.decode(String.self, forKey: .reason, else: "")
        atMs = try c.decodeIfPresent(Int64.self, forKey: .at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target.name, forKey: CodingKeys(rawValue: target.kind.rawValue)!)
        try c.encode(by, forKey: .by)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(atMs, forKey: .at)
    }
}
