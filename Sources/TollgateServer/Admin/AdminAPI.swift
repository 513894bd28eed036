import Foundation
import HTTPTypes
import Hummingbird
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

extension AdminAPI {
    static func time(_ ms: Int64) -> String {
        CivilDate.formatTimestamp(ms: ms).replacingOccurrences(of: " ", with: "T") + "Z"
    }

    /// Adds the `/admin/v1` routes.
    func addRoutes(to router: Router<GatewayRequestContext>, gateway: Gateway) {
        let group = router.group("/admin/v1").add(middleware: AdminAuthMiddleware(key: gateway.runtime.configuration.admin.key))
        group.get("/keys") { try await self.listKeys($0, $1, gateway: gateway) }
        group.post("/keys") { try await self.createKey($0, $1, gateway: gateway) }
        group.get("/keys/{name}") { try await self.showKey($0, $1, gateway: gateway) }
        group.patch("/keys/{name}") { try await self.updateKey($0, $1, gateway: gateway) }
        group.post("/keys/{name}/rotate") { try await self.rotateKey($0, $1, gateway: gateway) }
        group.post("/keys/{name}/revoke") { try await self.revokeKey($0, $1, gateway: gateway) }
        group.get("/kill-switches") { try await self.listKillSwitches($0, $1, gateway: gateway) }
        group.put("/kill-switches") { try await self.setKillSwitch($0, $1, gateway: gateway) }
        group.delete("/kill-switches/{kind}/{name}") { try await self.clearKillSwitch($0, $1, gateway: gateway) }
        group.get("/budgets") { try await self.listBudgets($0, $1, gateway: gateway) }
        group.get("/budgets/events") { try await self.listBudgetEvents($0, $1, gateway: gateway) }
        group.get("/audit") { try await self.listAudit($0, $1, gateway: gateway) }
        group.get("/circuits") { try await self.listCircuits($0, $1, gateway: gateway) }
        group.post("/reload") { try await self.reloadConfiguration($0, $1, gateway: gateway) }
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
            throw error(.configured, "The key '\(name)' is defined in the configuration file; change it there.")
        }
        throw error(.notFound, "No key named '\(name)'.")
    }

    static func validate(name: String, gateway: Gateway, store: any AdminStore) async throws {
        let allowed = name.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == 45 || $0 == 46 || $0 == 95 }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw error(.invalidValue, "A key name is 1 to 64 letters, digits, '.', '_' or '-'.", param: "name")
        }
        let taken = try await store.keys().contains { $0.name == name }
        if taken || gateway.keys.configuredPrincipals.contains(where: { $0.keyID == name }) {
            throw error(.alreadyExists, "A key named '\(name)' already exists.", param: "name")
        }
    }

    static func validate(models: [String]?, gateway: Gateway) throws {
        for model in models ?? [] where gateway.runtime.models[model] == nil {
            throw error(.invalidValue, "Unknown model '\(model)' in allowed_models.", param: "allowed_models")
        }
    }

    static func validate(target: KillSwitch.Target, gateway: Gateway) throws {
        switch target.kind {
        case .model where gateway.runtime.models[target.name] == nil:
            throw error(.invalidValue, "Unknown model '\(target.name)'.", param: "model")
        case .provider where gateway.runtime.providers[target.name] == nil:
            throw error(.invalidValue, "Unknown provider '\(target.name)'.", param: "provider")
        default: break
        }
    }

    static func parseTime(_ text: String, field: String, after now: Int64) throws -> Int64 {
        guard let seconds = CivilDate.unixSeconds(text) else {
            throw error(.invalidValue, "'\(text)' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ).", param: field)
        }
        guard seconds * 1_000 > now else { throw error(.invalidValue, "\(field) must be in the future.", param: field) }
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

    static func error(_ code: RequestError.Code, _ message: String, param: String? = nil) -> GatewayError {
        GatewayError(dialect: .openai, RequestError(code, message, param: param), shouldRetry: false)
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: GatewayRequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await Gateway.collect(&request, limit: 1 << 20)
        } catch {
            throw Self.error(.requestTooLarge, "The request body exceeds 1 MiB.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Self.error(.invalidRequest, describe(error))
        } catch {
            throw Self.error(.invalidJSON, "The body is not valid JSON.")
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

/// Checks the admin credential on every admin route.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let key: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key else {
            throw AdminAPI.error(.adminDisabled, "The admin API is off: set admin.key in the configuration.")
        }
        guard BearerToken.presented(in: request.headers, matches: Array(key.utf8)) else {
            throw AdminAPI.error(.invalidAdminKey, "The admin API needs the admin key as a bearer token.")
        }
        return try await next(request, context)
    }
}

extension UInt8 {
    var isASCIILetterOrDigit: Bool { (48...57).contains(self) || (65...90).contains(self) || (97...122).contains(self) }
}
