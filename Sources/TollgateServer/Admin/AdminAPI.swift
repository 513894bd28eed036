import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
public import TollgateCore
import TollgateProviders

/// The admin API: virtual keys, kill switches, budget status and alerts, the audit trail, reload.
///
/// Every route needs the admin credential (`admin.key`) as a bearer token; caller keys are not
/// accepted. Changes are recorded in the audit trail with the actor named by `x-tollgate-actor`.
public struct AdminAPI: Sendable {
    /// Where keys, kill switches and the audit trail are kept.
    public var store: any AdminStore
    /// Reloads the configuration file; returns what happened, or throws the configuration's problems.
    public var reload: (@Sendable () async throws -> String)?

    /// Creates the admin API.
    public init(store: any AdminStore, reload: (@Sendable () async throws -> String)? = nil) {
        self.store = store
        self.reload = reload
    }
}

/// The admin API's view of a key (never the secret or its hash).
struct KeyView: Encodable {
    var name: String
    var source: String
    var id: String?
    var hint: String?
    var status: String
    var org: String?
    var team: String?
    var app: String?
    var environment: String?
    var costCenter: String?
    var workflow: String?
    var allowedModels: [String]?
    var allowOverride: Bool
    var createdAt: String?
    var expiresAt: String?
    var revokedAt: String?
    var rotatedAt: String?

    init(_ key: VirtualKey, nowMs: Int64) {
        name = key.name
        source = "admin"
        id = key.id
        hint = key.hint
        status = key.revokedAtMs != nil ? "revoked" : (key.expiresAtMs.map { nowMs >= $0 } ?? false) ? "expired" : "active"
        org = key.org
        team = key.team
        app = key.app
        environment = key.environment
        costCenter = key.costCenter
        workflow = key.workflow
        allowedModels = key.allowedModels
        allowOverride = key.allowOverride
        createdAt = AdminAPI.time(key.createdAtMs)
        expiresAt = key.expiresAtMs.map(AdminAPI.time)
        revokedAt = key.revokedAtMs.map(AdminAPI.time)
        rotatedAt = key.rotatedAtMs.map(AdminAPI.time)
    }

    init(configured principal: Principal) {
        name = principal.keyID
        source = "config"
        status = "active"
        org = principal.org
        team = principal.team
        app = principal.app
        environment = principal.environment
        costCenter = principal.costCenter
        workflow = principal.defaultWorkflow
        allowedModels = principal.allowedModels.map { $0.sorted() }
        allowOverride = principal.allowsOverride
    }

    enum CodingKeys: String, CodingKey {
        case name, source, id, hint, status, org, team, app, environment, workflow
        case costCenter = "cost_center"
        case allowedModels = "allowed_models"
        case allowOverride = "allow_override"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case rotatedAt = "rotated_at"
    }
}

extension AdminAPI {
    static func time(_ ms: Int64) -> String {
        CivilDate.formatTimestamp(ms: ms).replacingOccurrences(of: " ", with: "T") + "Z"
    }

    /// Adds the `/admin/v1` routes.
    func addRoutes(to router: Router<GatewayRequestContext>, gateway: Gateway) {
        let group = router.group("/admin/v1").add(middleware: AdminAuthMiddleware(key: gateway.runtime.configuration.admin.key))
        group.get("/keys") { _, _ -> Response in
            let now = gateway.clock.nowMs()
            var views = gateway.keys.configuredPrincipals.map(KeyView.init(configured:))
            views += try await store.keys().map { KeyView($0, nowMs: now) }
            return try Self.json(["data": views])
        }
        group.post("/keys") { request, context -> Response in
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
        group.get("/keys/{name}") { _, context -> Response in
            let key = try await Self.managedKey(context, store: store, gateway: gateway)
            return try Self.json(KeyView(key, nowMs: gateway.clock.nowMs()))
        }
        group.patch("/keys/{name}") { request, context -> Response in
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
        group.post("/keys/{name}/rotate") { request, context -> Response in
            var key = try await Self.managedKey(context, store: store, gateway: gateway)
            guard key.revokedAtMs == nil else { throw Self.error(409, "The key '\(key.name)' is revoked; create a new one.", code: "key_revoked") }
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
        group.post("/keys/{name}/revoke") { request, context -> Response in
            var key = try await Self.managedKey(context, store: store, gateway: gateway)
            guard key.revokedAtMs == nil else { throw Self.error(409, "The key '\(key.name)' is already revoked.", code: "key_revoked") }
            let now = gateway.clock.nowMs()
            let before = key
            key.revokedAtMs = now
            try await store.save(key, audit: Self.audit(request, "key.revoke", key: key, before: before, after: key, now: now))
            gateway.keys.upsert(key)
            return try Self.json(KeyView(key, nowMs: now))
        }
        group.get("/kill-switches") { _, _ -> Response in
            try Self.json(["data": gateway.governor.killSwitches.map(KillSwitchView.init)])
        }
        group.put("/kill-switches") { request, context -> Response in
            let body = try await Self.decode(KillSwitchRequest.self, from: request, context: context)
            try Self.validate(target: body.target, gateway: gateway)
            let now = gateway.clock.nowMs()
            let kill = KillSwitch(target: body.target, by: Self.actor(request), reason: body.reason, atMs: now)
            let previous = gateway.governor.killSwitches.first { $0.target == body.target }
            let audit = AuditEvent(
                atMs: now, actor: Self.actor(request), action: "kill_switch.set", subject: body.target.kind.rawValue + ":" + body.target.name,
                before: previous.map(Self.text), after: Self.text(kill))
            try await store.save(killSwitch: kill, target: body.target, audit: audit)
            gateway.governor.setKillSwitch(kill)
            return try Self.json(KillSwitchView(kill))
        }
        group.delete("/kill-switches/{kind}/{name}") { request, context -> Response in
            guard let kind = context.parameters.get("kind").flatMap(KillSwitch.Target.Kind.init(rawValue:)),
                let name = context.parameters.get("name")
            else { throw Self.error(404, "Use /admin/v1/kill-switches/{workflow|provider|model}/{name}.", code: "not_found") }
            let target = KillSwitch.Target(kind: kind, name: name)
            guard let removed = gateway.governor.killSwitches.first(where: { $0.target == target }) else {
                throw Self.error(404, "No kill switch is set on \(target.text).", code: "not_found")
            }
            if removed.atMs == nil {
                throw Self.error(409, "The switch on \(target.text) is in the configuration file; remove it there and reload.", code: "configured")
            }
            let audit = AuditEvent(
                atMs: gateway.clock.nowMs(), actor: Self.actor(request), action: "kill_switch.clear", subject: kind.rawValue + ":" + name,
                before: Self.text(removed))
            try await store.save(killSwitch: nil, target: target, audit: audit)
            gateway.governor.clearKillSwitch(target)
            return try Self.json(["cleared": target.text])
        }
        group.get("/budgets") { _, _ -> Response in
            try Self.json(["data": gateway.governor.budgetStatus(nowMs: gateway.clock.nowMs()).map(BudgetView.init)])
        }
        group.get("/budgets/events") { request, _ -> Response in
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
            return try Self.json(["data": try await store.budgetEvents(limit: max(1, min(limit, 10_000))).map(AlertView.init)])
        }
        group.get("/audit") { request, _ -> Response in
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
            return try Self.json(["data": try await store.auditEvents(limit: max(1, min(limit, 10_000))).map(AuditView.init)])
        }
        group.post("/reload") { request, _ -> Response in
            guard let reload else { throw Self.error(404, "This gateway was not started from a configuration file.", code: "not_found") }
            do {
                let summary = try await reload()
                try await store.record(audit: AuditEvent(atMs: gateway.clock.nowMs(), actor: Self.actor(request), action: "config.reload", subject: "config", after: summary))
                return try Self.json(["reloaded": summary])
            } catch let error as ConfigurationError {
                throw Self.error(400, error.description, code: "invalid_configuration")
            }
        }
    }

    // MARK: Helpers

    struct SecretReply: Encodable {
        var key: KeyView
        var secret: String
    }

    static func managedKey(_ context: GatewayRequestContext, store: any AdminStore, gateway: Gateway) async throws -> VirtualKey {
        let name = context.parameters.get("name") ?? ""
        if let key = try await store.keys().first(where: { $0.name == name }) { return key }
        if gateway.keys.configuredPrincipals.contains(where: { $0.keyID == name }) {
            throw error(409, "The key '\(name)' is defined in the configuration file; change it there.", code: "configured")
        }
        throw error(404, "No key named '\(name)'.", code: "not_found")
    }

    static func validate(name: String, gateway: Gateway, store: any AdminStore) async throws {
        let allowed = name.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == 45 || $0 == 46 || $0 == 95 }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw error(400, "A key name is 1 to 64 letters, digits, '.', '_' or '-'.", code: "invalid_value", param: "name")
        }
        let taken = try await store.keys().contains { $0.name == name }
        if taken || gateway.keys.configuredPrincipals.contains(where: { $0.keyID == name }) {
            throw error(409, "A key named '\(name)' already exists.", code: "already_exists", param: "name")
        }
    }

    static func validate(models: [String]?, gateway: Gateway) throws {
        for model in models ?? [] where gateway.runtime.models[model] == nil {
            throw error(400, "Unknown model '\(model)' in allowed_models.", code: "invalid_value", param: "allowed_models")
        }
    }

    static func validate(target: KillSwitch.Target, gateway: Gateway) throws {
        switch target.kind {
        case .model where gateway.runtime.models[target.name] == nil:
            throw error(400, "Unknown model '\(target.name)'.", code: "invalid_value", param: "model")
        case .provider where gateway.runtime.providers[target.name] == nil:
            throw error(400, "Unknown provider '\(target.name)'.", code: "invalid_value", param: "provider")
        default: break
        }
    }

    static func parseTime(_ text: String, field: String, after now: Int64) throws -> Int64 {
        guard let seconds = CivilDate.unixSeconds(text) else {
            throw error(400, "'\(text)' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ).", code: "invalid_value", param: field)
        }
        guard seconds * 1_000 > now else { throw error(400, "\(field) must be in the future.", code: "invalid_value", param: field) }
        return seconds * 1_000
    }

    static func actor(_ request: Request) -> String {
        let raw = request.headers[HTTPField.Name("x-tollgate-actor")!] ?? "admin"
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "admin" : String(trimmed.prefix(128))
    }

    static func audit(_ request: Request, _ action: String, key: VirtualKey, before: VirtualKey?, after: VirtualKey?, now: Int64) -> AuditEvent {
        AuditEvent(
            atMs: now, actor: actor(request), action: action, subject: "key:\(key.name)", before: before.map { text(KeyView($0, nowMs: now)) },
            after: after.map { text(KeyView($0, nowMs: now)) })
    }

    static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: Int, _ message: String, code: String, param: String? = nil) -> GatewayError {
        GatewayError(dialect: .openai, RequestError(status: status, message: message, code: code, param: param), shouldRetry: false)
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: GatewayRequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await Gateway.collect(&request, limit: 1 << 20)
        } catch {
            throw Self.error(413, "The request body exceeds 1 MiB.", code: "request_too_large")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Self.error(400, describe(error), code: "invalid_request")
        } catch {
            throw Self.error(400, "The body is not valid JSON.", code: "invalid_json")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing required field '\(CodingPathText.format(context.codingPath + [key]))'."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "Invalid type for '\(CodingPathText.format(context.codingPath))'."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty && context.debugDescription.contains("JSON") { return "The body is not valid JSON." }
            let path = CodingPathText.format(context.codingPath)
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "The body could not be read."
        }
    }
}

struct KillSwitchView: Encodable {
    var kind: String
    var name: String
    var by: String
    var reason: String
    var source: String
    var at: String?

    init(_ kill: KillSwitch) {
        kind = kill.target.kind.rawValue
        name = kill.target.name
        by = kill.by
        reason = kill.reason
        source = kill.atMs == nil ? "config" : "admin"
        at = kill.atMs.map(AdminAPI.time)
    }
}

struct BudgetView: Encodable {
    var budget, scope, period, mode, spentUSD, reservedUSD, limitUSD, overshootUSD: String
    var utilisation: Double
    var resetsAt: String?

    init(_ status: BudgetStatus) {
        budget = status.budget
        scope = status.scopeKey
        period = status.period
        mode = status.mode
        spentUSD = Money.format(nanoUSD: status.spentNanoUSD)
        reservedUSD = Money.format(nanoUSD: status.reservedNanoUSD)
        limitUSD = Money.format(nanoUSD: status.limitNanoUSD)
        overshootUSD = Money.format(nanoUSD: status.overshootNanoUSD)
        utilisation = status.limitNanoUSD > 0 ? Double(status.spentNanoUSD) / Double(status.limitNanoUSD) : 0
        resetsAt = status.resetsAtMs.map(AdminAPI.time)
    }

    enum CodingKeys: String, CodingKey {
        case budget, scope, period, mode, utilisation
        case spentUSD = "spent_usd"
        case reservedUSD = "reserved_usd"
        case limitUSD = "limit_usd"
        case overshootUSD = "overshoot_usd"
        case resetsAt = "resets_at"
    }
}

struct AlertView: Encodable {
    var at, budget, scope, period, spentUSD, limitUSD: String
    var thresholdPercent: Int

    init(_ alert: BudgetAlert) {
        at = AdminAPI.time(alert.atMs)
        budget = alert.budget
        scope = alert.scopeKey
        period = alert.period
        spentUSD = Money.format(nanoUSD: alert.spentNanoUSD)
        limitUSD = Money.format(nanoUSD: alert.limitNanoUSD)
        thresholdPercent = alert.thresholdPercent
    }

    enum CodingKeys: String, CodingKey {
        case at, budget, scope, period
        case spentUSD = "spent_usd"
        case limitUSD = "limit_usd"
        case thresholdPercent = "threshold_percent"
    }
}

struct AuditView: Encodable {
    var seq: Int64?
    var at, actor, action, subject: String
    var before, after: String?

    init(_ event: AuditEvent) {
        seq = event.seq
        at = AdminAPI.time(event.atMs)
        actor = event.actor
        action = event.action
        subject = event.subject
        before = event.before
        after = event.after
    }
}

/// Checks the admin credential on every admin route.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let key: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key else {
            throw AdminAPI.error(404, "The admin API is off: set admin.key in the configuration.", code: "admin_disabled")
        }
        guard BearerToken.presented(in: request.headers, matches: Array(key.utf8)) else {
            throw AdminAPI.error(401, "The admin API needs the admin key as a bearer token.", code: "invalid_admin_key")
        }
        return try await next(request, context)
    }
}

extension UInt8 {
    var isASCIILetterOrDigit: Bool { (48...57).contains(self) || (65...90).contains(self) || (97...122).contains(self) }
}
