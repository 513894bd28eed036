import Foundation
import HTTPTypes
import Hummingbird
import TollgateCore
import TollgateProviders

/// The admin API's view of a key (never the secret or its hash).
struct KeyView: Encodable {
    var name: String
    var source: String
    var id: String?
    var hint: String?
    var status: String
    /// The key's value for each dimension it carries (the workflow is its default), encoded under the dimension's name.
    var dimensions: [Attribution.Dimension: String]
    var allowedModels: [String]?
    var allowOverride: Bool
    var createdAt: String?
    var expiresAt: String?
    var revokedAt: String?
    var rotatedAt: String?

    init(_ key: VirtualKey, nowMs: Int64) {
        self.init(configured: key.principal)
        source = "admin"
        id = key.id
        hint = key.hint
        status = key.revokedAtMs != nil ? "revoked" : (key.expiresAtMs.map { nowMs >= $0 } ?? false) ? "expired" : "active"
        allowedModels = key.allowedModels
        createdAt = AdminAPI.time(key.createdAtMs)
        expiresAt = key.expiresAtMs.map(AdminAPI.time)
        revokedAt = key.revokedAtMs.map(AdminAPI.time)
        rotatedAt = key.rotatedAtMs.map(AdminAPI.time)
    }

    init(configured principal: Principal) {
        name = principal.keyID
        source = "config"
        status = "active"
        dimensions = [:]
        for dimension in Attribution.Dimension.keyOwned { dimensions[dimension] = principal[owned: dimension] }
        allowedModels = principal.allowedModels.map { $0.sorted() }
        allowOverride = principal.allowsOverride
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        func key(_ name: String) -> AnyCodingKey { AnyCodingKey(stringValue: name) }
        try c.encode(name, forKey: key("name"))
        try c.encode(source, forKey: key("source"))
        try c.encodeIfPresent(id, forKey: key("id"))
        try c.encodeIfPresent(hint, forKey: key("hint"))
        try c.encode(status, forKey: key("status"))
        for (dimension, value) in dimensions { try c.encode(value, forKey: key(dimension.rawValue)) }
        try c.encodeIfPresent(allowedModels, forKey: key("allowed_models"))
        try c.encode(allowOverride, forKey: key("allow_override"))
        try c.encodeIfPresent(createdAt, forKey: key("created_at"))
        try c.encodeIfPresent(expiresAt, forKey: key("expires_at"))
        try c.encodeIfPresent(revokedAt, forKey: key("revoked_at"))
        try c.encodeIfPresent(rotatedAt, forKey: key("rotated_at"))
    }
}

extension AdminAPI {
    /// Every key: the configuration's and the managed ones.
    func listKeys(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let now = gateway.clock.nowMs()
        var views = gateway.keys.configuredPrincipals.map(KeyView.init(configured:))
        views += try await store.keys().map { KeyView($0, nowMs: now) }
        return try Self.json(["data": views])
    }

    /// Creates a managed key; the reply holds its secret, shown this once.
    func createKey(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let body = try await Self.decode(KeyCreateRequest.self, from: request, context: context)
        let now = gateway.clock.nowMs()
        try await Self.validate(name: body.name, gateway: gateway, store: store)
        try Self.validate(models: body.allowedModels, gateway: gateway)
        let expires = try body.expiresAt.map { try Self.parseTime($0, field: "expires_at", after: now) }
        let secret = VirtualKey.makeSecret()
        let key = VirtualKey(
            id: "key_" + String(VirtualKey.makeSecret().suffix(16)), name: body.name, secretHash: VirtualKey.hash(secret: secret),
            hint: VirtualKey.hint(secret: secret), org: body.org, team: body.team, app: body.app, environment: body.environment,
            costCenter: body.costCenter, workflow: body.workflow, allowedModels: body.allowedModels, allowOverride: body.allowOverride ?? true,
            createdAtMs: now, expiresAtMs: expires)
        try await store.save(key, audit: Self.audit(request, "key.create", key: key, before: nil, after: key, now: now))
        gateway.keys.upsert(key)
        return try Self.json(SecretReply(key: KeyView(key, nowMs: now), secret: secret), status: .created)
    }

    /// One managed key.
    func showKey(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let key = try await Self.managedKey(context, store: store, gateway: gateway)
        return try Self.json(KeyView(key, nowMs: gateway.clock.nowMs()))
    }

    /// Changes a managed key's expiry, models, override flag, workflow, environment or cost centre.
    func updateKey(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        var key = try await Self.managedKey(context, store: store, gateway: gateway)
        let body = try await Self.decode(KeyUpdateRequest.self, from: request, context: context)
        let now = gateway.clock.nowMs()
        let before = key
        if let expires = body.expiresAt { key.expiresAtMs = try expires.map { try Self.parseTime($0, field: "expires_at", after: now) } }
        if let models = body.allowedModels {
            try Self.validate(models: models, gateway: gateway)
            key.allowedModels = models
        }
        if let flag = body.allowOverride { key.allowOverride = flag }
        if let workflow = body.workflow { key.workflow = workflow }
        if let environment = body.environment { key.environment = environment }
        if let costCenter = body.costCenter { key.costCenter = costCenter }
        try await store.save(key, audit: Self.audit(request, "key.update", key: key, before: before, after: key, now: now))
        gateway.keys.upsert(key)
        return try Self.json(KeyView(key, nowMs: now))
    }

    /// Gives a managed key a new secret; the old one stops working at once.
    func rotateKey(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        var key = try await Self.managedKey(context, store: store, gateway: gateway)
        guard key.revokedAtMs == nil else { throw Self.error(.keyRevoked, "The key '\(key.name)' is revoked; create a new one.") }
        let now = gateway.clock.nowMs()
        let before = key
        let secret = VirtualKey.makeSecret()
        key.secretHash = VirtualKey.hash(secret: secret)
        key.hint = VirtualKey.hint(secret: secret)
        key.rotatedAtMs = now
        try await store.save(key, audit: Self.audit(request, "key.rotate", key: key, before: before, after: key, now: now))
        gateway.keys.upsert(key)
        return try Self.json(SecretReply(key: KeyView(key, nowMs: now), secret: secret))
    }

    /// Revokes a managed key for good.
    func revokeKey(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        var key = try await Self.managedKey(context, store: store, gateway: gateway)
        guard key.revokedAtMs == nil else { throw Self.error(.keyRevoked, "The key '\(key.name)' is already revoked.") }
        let now = gateway.clock.nowMs()
        let before = key
        key.revokedAtMs = now
        try await store.save(key, audit: Self.audit(request, "key.revoke", key: key, before: before, after: key, now: now))
        gateway.keys.upsert(key)
        return try Self.json(KeyView(key, nowMs: now))
    }
}
