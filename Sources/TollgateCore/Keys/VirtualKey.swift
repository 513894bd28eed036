/// A caller key managed through the admin API. Only a hash of its secret is ever stored.
///
/// A key belongs to an org → team → app hierarchy and carries attribution defaults, the models it
/// may call, and whether callers may override its workflow.
public struct VirtualKey: Sendable, Hashable, Codable {
    /// Stable identifier, e.g. `key_3f9a…`.
    public var id: String
    /// Unique, human-readable name (recorded on entries; never the secret).
    public var name: String
    /// SHA-256 of the secret, hex.
    public var secretHash: String
    /// The secret's prefix and last four characters, to recognise it (`tg_sk_…a1b2`).
    public var hint: String
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
    /// Models (configured names) the key may call; nil allows all.
    public var allowedModels: [String]?
    /// Whether callers may override the workflow with `x-tollgate-workflow`.
    public var allowOverride: Bool
    /// Creation time, ms since 1970.
    public var createdAtMs: Int64
    /// When the key stops working, if it expires.
    public var expiresAtMs: Int64?
    /// When it was revoked, if it was.
    public var revokedAtMs: Int64?
    /// When its secret was last replaced.
    public var rotatedAtMs: Int64?

    /// Creates a key record.
    public init(
        id: String, name: String, secretHash: String, hint: String, org: String? = nil, team: String? = nil, app: String? = nil,
        environment: String? = nil, costCenter: String? = nil, workflow: String? = nil, allowedModels: [String]? = nil,
        allowOverride: Bool = true, createdAtMs: Int64, expiresAtMs: Int64? = nil, revokedAtMs: Int64? = nil, rotatedAtMs: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.hint = hint
        self.org = org
        self.team = team
        self.app = app
        self.environment = environment
        self.costCenter = costCenter
        self.workflow = workflow
        self.allowedModels = allowedModels
        self.allowOverride = allowOverride
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.revokedAtMs = revokedAtMs
        self.rotatedAtMs = rotatedAtMs
    }

    /// The principal this key authenticates.
    public var principal: Principal {
        Principal(
            keyID: name, org: org, team: team, app: app, environment: environment, costCenter: costCenter, defaultWorkflow: workflow,
            allowsOverride: allowOverride, allowedModels: allowedModels.map(Set.init))
    }

    /// Whether the key works at `nowMs`.
    public func isUsable(atMs nowMs: Int64) -> Bool {
        revokedAtMs == nil && (expiresAtMs.map { nowMs < $0 } ?? true)
    }

    /// A new secret: `tg_sk_` and 40 hex digits (160 random bits).
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = "tg_sk_"
        for _ in 0..<5 {
            let word = generator.next() as UInt32
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 8 - hex.count) + hex
        }
        return text
    }

    /// The hash stored for a secret: SHA-256 applied twice, in hex (the format of every stored key).
    public static func hash(secret: some StringProtocol) -> String {
        SHA256Digest.hexText(SHA256Digest.digest(SHA256Digest.digest(Array(secret.utf8))))
    }

    /// The hint shown for a secret.
    public static func hint(secret: String) -> String {
        String(secret.prefix(6)) + "…" + String(secret.suffix(4))
    }
}

/// One change made through the admin API: who, when, what, before and after.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Sequence number (assigned by the store).
    public var seq: Int64?
    /// When, ms since 1970.
    public var atMs: Int64
    /// Who (the `x-tollgate-actor` header of the admin request, or `admin`).
    public var actor: String
    /// What, e.g. `key.create`, `key.revoke`, `kill_switch.set`.
    public var action: String
    /// What it was done to, e.g. `key:support-bot`.
    public var subject: String
    /// The state before, as JSON (secrets never included).
    public var before: String?
    /// The state after, as JSON (secrets never included).
    public var after: String?

    /// Creates an audit event.
    public init(seq: Int64? = nil, atMs: Int64, actor: String, action: String, subject: String, before: String? = nil, after: String? = nil) {
        self.seq = seq
        self.atMs = atMs
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.after = after
    }
}
