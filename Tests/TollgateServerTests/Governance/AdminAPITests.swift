import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// The admin API over real sockets: virtual keys, kill switches, budgets, alerts, audit, reload.
@Suite struct AdminAPITests {
    static let adminKey = "admin-secret-0123456789"
    static let admin = "Bearer \(adminKey)"
    static let config = "admin: {key: \(adminKey)}\n"
    static let chat = #"{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"Admin test [[sim:tokens=3]]"}]}"#

    static func error(_ response: SimulatorTestResponse) throws -> [String: Any] {
        try #require(try response.object()["error"] as? [String: Any])
    }

    @Test func keysAreCreatedUsedRotatedAndRevokedWithAnAuditTrail() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.config) { h in
            let created = try await h.gateway.send(
                .post, "/admin/v1/keys",
                json:
                    #"{"name":"research-bot","org":"acme","team":"sales","app":"researcher","environment":"prod","workflow":"sales-research","allowed_models":["gpt-4o-mini"]}"#,
                headers: [("x-tollgate-actor", "alice")], authorization: Self.admin)
            #expect(created.status == 201)
            let object = try created.object()
            let secret = try #require(object["secret"] as? String)
            #expect(secret.hasPrefix("tg_sk_") && secret.count == 46)
            let key = try #require(object["key"] as? [String: Any])
            #expect(key["status"] as? String == "active" && key["team"] as? String == "sales")
            #expect(!created.body.contains(VirtualKey.hash(secret: secret)))

            // The key works, and its principal attributes the call.
            let call = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(secret)")
            #expect(call.status == 200)
            let entry = try await h.entry(call.headers["x-tollgate-request-id"])
            #expect(entry.attribution.keyID == "research-bot" && entry.attribution.team == "sales" && entry.attribution.workflow == "sales-research")
            // Its model allowlist holds.
            let denied = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat.replacingOccurrences(of: "gpt-4o-mini", with: "gpt-4o"),
                authorization: "Bearer \(secret)")
            #expect(denied.status == 403)
            #expect(try Self.error(denied)["code"] as? String == "model_not_allowed")

            // Listing shows configured and managed keys, never a secret or a hash.
            let list = try await h.gateway.send(.get, "/admin/v1/keys", authorization: Self.admin)
            #expect(list.status == 200)
            // The scheme is case-insensitive, as on the caller routes.
            #expect(try await h.gateway.send(.get, "/admin/v1/keys", authorization: Self.admin.lowercased().prefix(7) + Self.adminKey).status == 200)
            #expect(list.body.contains("research-bot") && list.body.contains("support-key"))
            #expect(!list.body.contains(secret) && !list.body.contains(VirtualKey.hash(secret: secret)) && !list.body.contains("sk-test-key"))

            // Rotation: the old secret stops working at once, the new one works.
            let rotated = try await h.gateway.send(.post, "/admin/v1/keys/research-bot/rotate", authorization: Self.admin)
            let newSecret = try #require(try rotated.object()["secret"] as? String)
            #expect(newSecret != secret)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(secret)").status == 401)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(newSecret)").status == 200)

            // Revocation.
            #expect(try await h.gateway.send(.post, "/admin/v1/keys/research-bot/revoke", authorization: Self.admin).status == 200)
            let revoked = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(newSecret)")
            #expect(revoked.status == 401 && revoked.body.contains("was revoked"))
            #expect(try await h.gateway.send(.post, "/admin/v1/keys/research-bot/revoke", authorization: Self.admin).status == 409)

            // The audit trail: who, what, before and after, with no secrets.
            let audit = try await h.gateway.send(.get, "/admin/v1/audit", authorization: Self.admin)
            let events = try #require(try audit.object()["data"] as? [[String: Any]])
            #expect(events.map { $0["action"] as? String } == ["key.revoke", "key.rotate", "key.create"])
            #expect(events.last?["actor"] as? String == "alice" && events.first?["actor"] as? String == "admin")
            #expect(events.first?["before"] is String && events.first?["after"] is String)
            #expect(!audit.body.contains(secret) && !audit.body.contains(newSecret) && !audit.body.contains(VirtualKey.hash(secret: newSecret)))
            // The ledger file holds no secret.
            let file = try Data(contentsOf: URL(fileURLWithPath: h.ledgerPath))
            #expect(file.range(of: Data(newSecret.utf8)) == nil && file.range(of: Data(secret.utf8)) == nil)
        }
    }

    @Test func expiredKeysAreRefusedAndExpiryMustBeInTheFuture() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.config) { h in
            let past = try await h.gateway.send(
                .post, "/admin/v1/keys", json: #"{"name":"old","expires_at":"2020-01-01"}"#, authorization: Self.admin)
            #expect(past.status == 400 && past.body.contains("expires_at must be in the future"))
            let created = try await h.gateway.send(
                .post, "/admin/v1/keys", json: #"{"name":"temp","expires_at":"2099-01-01"}"#, authorization: Self.admin)
            let secret = try #require(try created.object()["secret"] as? String)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(secret)").status == 200)
            // Move its expiry into the past behind the API's back, as time would.
            var key = try #require(try await h.database.keys().first { $0.name == "temp" })
            key.expiresAtMs = 1_000
            try await h.database.save(key, audit: AuditEvent(atMs: 0, actor: "test", action: "test", subject: "key:temp"))
            let response = try await h.gateway.send(.patch, "/admin/v1/keys/temp", json: #"{"allow_override":false}"#, authorization: Self.admin)
            #expect(response.status == 200)
            let expired = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer \(secret)")
            #expect(expired.status == 401 && expired.body.contains("has expired"))
        }
    }

    @Test func badAdminRequestsGetClearErrorsAndChangeNothing() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.config) { h in
            #expect(try await h.gateway.send(.get, "/admin/v1/keys").status == 401)
            #expect(try await h.gateway.send(.get, "/admin/v1/keys", authorization: "Bearer sk-test-key").status == 401)
            let cases: [(String, Int, String)] = [
                (#"{"name":"x""#, 400, "not valid JSON"),
                (#"{"team":"x"}"#, 400, "Missing required field 'name'"),
                (#"{"name":"x","colour":"red"}"#, 400, "unknown key 'colour'"),
                (#"{"name":"x","allowed_models":["gpt-5-ultra"]}"#, 400, "Unknown model 'gpt-5-ultra'"),
                (#"{"name":"bad name!"}"#, 400, "1 to 64 letters"),
                (#"{"name":"support-key"}"#, 409, "already exists"),
                (#"{"name":"x","expires_at":"tomorrow"}"#, 400, "is not a date"),
            ]
            for (body, status, message) in cases {
                let response = try await h.gateway.send(.post, "/admin/v1/keys", json: body, authorization: Self.admin)
                #expect(response.status == status, "\(body)")
                #expect(((try? Self.error(response))?["message"] as? String)?.contains(message) == true, "\(body): \(response.body)")
            }
            #expect(try await h.database.keys().isEmpty)
            #expect(try await h.database.auditEvents(limit: 10).isEmpty)
            let unknown = try await h.gateway.send(.put, "/admin/v1/kill-switches", json: #"{"team":"x","reason":"y"}"#, authorization: Self.admin)
            #expect(unknown.status == 400)
            let twoTargets = try await h.gateway.send(
                .put, "/admin/v1/kill-switches", json: #"{"model":"gpt-4o","provider":"openai-sim","reason":"y"}"#, authorization: Self.admin)
            #expect(twoTargets.status == 400 && twoTargets.body.contains("exactly one"))
            #expect(h.governor.killSwitches.isEmpty)
            #expect(try await h.gateway.send(.get, "/admin/v1/keys/nobody", authorization: Self.admin).status == 404)
            #expect(try await h.gateway.send(.post, "/admin/v1/keys/support-key/revoke", authorization: Self.admin).status == 409)
        }
    }

    @Test func adminKillSwitchesApplyAtOnceAndSurviveRestarts() async throws {
        let ledger = try GatewayHarness.freshLedgerPath()
        try await GatewayHarness.run(extraConfiguration: Self.config, ledgerPath: ledger) { h in
            let set = try await h.gateway.send(
                .put, "/admin/v1/kill-switches", json: #"{"workflow":"support-copilot","reason":"cost spike under investigation"}"#,
                headers: [("x-tollgate-actor", "bob")], authorization: Self.admin)
            #expect(set.status == 200)
            let stopped = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(stopped.status == 503 && stopped.body.contains("switched off by bob: cost spike under investigation"))
        }
        try await GatewayHarness.run(extraConfiguration: Self.config, ledgerPath: ledger) { h in
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 503)
            let cleared = try await h.gateway.send(.delete, "/admin/v1/kill-switches/workflow/support-copilot", authorization: Self.admin)
            #expect(cleared.status == 200)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 200)
            let actions = try await h.database.auditEvents(limit: 10).map(\.action)
            #expect(actions == ["kill_switch.clear", "kill_switch.set"])
        }
    }

    @Test func thresholdAlertsFireOncePerPeriodToTheWebhookTheLogAndTheEventTable() async throws {
        let received = Watched<[String]>([])
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.update { $0.append(String(buffer: body)) }
            return .ok
        }
        var logger = Logger(label: "webhook")
        logger.logLevel = .warning
        try await SimulatorHarness.serving(logger: logger) { onPort in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await onPort($0.localAddress?.port ?? 0) }, logger: logger)
        } body: { hookPort in
            // Each call costs 170,000 nano-USD (5 input + 6 output tokens at $10/$20 per 1M) more or less; the limit is 1,000,000.
            let config =
                Self.config + roundPrices + """

                    governance:
                      alerts: {webhook: "http://127.0.0.1:\(hookPort)/hook"}
                      budgets:
                        - {name: alerts-demo, scope: {team: support}, period: month, limit_usd: "0.001", thresholds: [25, 50], mode: estimate}
                    """
            try await GatewayHarness.run(extraConfiguration: config) { h in
                let body = #"{"model":"gpt-4o","max_tokens":6,"messages":[{"role":"user","content":"Alert [[sim:tokens=6]]"}]}"#
                for _ in 0..<4 { #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: body).status == 200) }
                _ = await received.wait(within: .seconds(5)) { $0.count >= 2 }
                let posts = received.value
                #expect(posts.count == 2)
                #expect(posts.first?.contains("\"threshold_percent\":25") == true && posts.first?.contains("alerts-demo") == true)
                let events = try await h.gateway.send(.get, "/admin/v1/budgets/events", authorization: Self.admin)
                let rows = try #require(try events.object()["data"] as? [[String: Any]])
                #expect(rows.compactMap { $0["threshold_percent"] as? Int }.sorted() == [25, 50])
                let status = try await h.gateway.send(.get, "/admin/v1/budgets", authorization: Self.admin)
                #expect(status.body.contains("\"budget\":\"alerts-demo\"") && status.body.contains("\"limit_usd\":\"0.001\""))
            }
        }
    }

    @Test func policiesReloadWithoutARestartAndABadFileChangesNothing() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.config) { h in
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 200)
            let original = try String(contentsOfFile: h.configurationPath, encoding: .utf8)
            let blocking =
                original + """

                    governance:
                      policies:
                        - {name: no-mini, allow_models: [gpt-4o]}
                    """
            try blocking.write(toFile: h.configurationPath, atomically: true, encoding: .utf8)
            let reloaded = try await h.gateway.send(.post, "/admin/v1/reload", authorization: Self.admin)
            #expect(reloaded.status == 200 && reloaded.body.contains("1 policies"))
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 403)

            let broken =
                original + """

                    governance:
                      budgets:
                        - {name: oops, limit_usd: "-5", period: fortnight, scope: {galaxy: far}}
                    """
            try broken.write(toFile: h.configurationPath, atomically: true, encoding: .utf8)
            let rejected = try await h.gateway.send(.post, "/admin/v1/reload", authorization: Self.admin)
            #expect(rejected.status == 400)
            #expect(rejected.body.contains("unknown scope 'galaxy'"))
            // Nor does a file that is not YAML at all.
            try (original + "\ngovernance: {budgets: [unclosed\n").write(toFile: h.configurationPath, atomically: true, encoding: .utf8)
            let garbled = try await h.gateway.send(.post, "/admin/v1/reload", authorization: Self.admin)
            #expect(garbled.status == 400 && garbled.body.contains("not valid YAML"))
            // The rules in force stay.
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 403)
            try original.write(toFile: h.configurationPath, atomically: true, encoding: .utf8)
            #expect(try await h.gateway.send(.post, "/admin/v1/reload", authorization: Self.admin).status == 200)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat).status == 200)
        }
    }
}
