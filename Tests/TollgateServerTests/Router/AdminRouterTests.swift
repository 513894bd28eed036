import HTTPTypes
import Testing

/// The admin API under the router test framework: its key, its bodies' errors, and a key's and a kill
/// switch's life, each answer read off the router.
@Suite struct AdminRouterTests {
    static let admin: [HTTPField.Name: String] = [.authorization: "Bearer \(RouterHarness.adminKey)"]

    @Test func theAdminAPINeedsItsKeyAndIsAbsentWithoutOne() async throws {
        try await RouterHarness.run { client in
            let none = try await client.send(.get, "/admin/v1/keys")
            #expect(try none.status == .unauthorized && (none.error()["code"] as? String) == "invalid_admin_key")
            let callerKey = try await client.send(.get, "/admin/v1/keys", headers: [.authorization: "Bearer sk-test-key"])
            #expect(callerKey.status == .unauthorized)
            #expect(try await client.send(.get, "/admin/v1/keys", headers: Self.admin).status == .ok)
        }
    }

    @Test(arguments: [
        (#"{"name":"k","colour":"red"}"#, "unknown key 'colour'"),
        (#"{"team":"t"}"#, "name"),
        (#"{"name":"bad name!"}"#, "letters, digits"),
        (#"{"name":"support-key"}"#, "already exists"),
        ("not json", "JSON"),
    ])
    func aBadKeyBodyIsA4xxThatSaysWhy(body: String, words: String) async throws {
        try await RouterHarness.run { client in
            let reply = try await client.send(.post, "/admin/v1/keys", json: body, headers: Self.admin)
            #expect((400..<500).contains(reply.status.code), "\(reply.status) \(reply.text)")
            #expect(reply.text.contains(words), "\(reply.text)")
            let list = try await client.send(.get, "/admin/v1/keys", headers: Self.admin)
            let names = try #require(try list.object()["data"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(!names.contains("k") && !names.contains("bad name!"))
        }
    }

    @Test func aManagedKeyIsCreatedShownUpdatedAndRevoked() async throws {
        try await RouterHarness.run { client in
            let created = try await client.send(
                .post, "/admin/v1/keys", json: #"{"name":"bot","team":"sales","allowed_models":["gpt-4o"]}"#, headers: Self.admin)
            #expect(created.status == .created)
            let secret = try #require(try created.object()["secret"] as? String)
            #expect(try await client.send(.post, "/admin/v1/keys", json: #"{"name":"bot"}"#, headers: Self.admin).status == .conflict)

            let shown = try await client.send(.get, "/admin/v1/keys/bot", headers: Self.admin)
            #expect(shown.status == .ok && !shown.text.contains(secret))
            #expect(try shown.object()["team"] as? String == "sales")

            #expect(try shown.object()["allowed_models"] as? [String] == ["gpt-4o"])
            let chat = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#
            let outside = try await client.send(.post, "/v1/chat/completions", json: chat, headers: [.authorization: "Bearer \(secret)"])
            #expect(try outside.status == .forbidden && (outside.error()["code"] as? String) == "model_not_allowed")
            let patched = try await client.send(.patch, "/admin/v1/keys/bot", json: #"{"allowed_models":null}"#, headers: Self.admin)
            #expect(patched.status == .ok)
            let reshown = try await client.send(.get, "/admin/v1/keys/bot", headers: Self.admin)
            #expect(try reshown.object()["allowed_models"] == nil && reshown.object()["team"] as? String == "sales")
            #expect(try await client.send(.patch, "/admin/v1/keys/bot", json: #"{"team":"x"}"#, headers: Self.admin).status == .badRequest)

            #expect(try await client.send(.post, "/admin/v1/keys/bot/revoke", headers: Self.admin).status == .ok)
            #expect(try await client.send(.post, "/admin/v1/keys/bot/revoke", headers: Self.admin).status == .conflict)
            #expect(try await client.send(.get, "/admin/v1/keys/nobody", headers: Self.admin).status == .notFound)
            let refused = try await client.send(
                .post, "/v1/chat/completions", json: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#,
                headers: [.authorization: "Bearer \(secret)"])
            #expect(refused.status == .unauthorized && refused.text.contains("was revoked"))
        }
    }

    @Test func aKillSwitchIsSetListedAndCleared() async throws {
        try await RouterHarness.run { client in
            let bad = try await client.send(
                .put, "/admin/v1/kill-switches", json: #"{"model":"gpt-4o","workflow":"w","reason":"r"}"#, headers: Self.admin)
            #expect(bad.status == .badRequest && bad.text.contains("exactly one"))
            let set = try await client.send(.put, "/admin/v1/kill-switches", json: #"{"model":"gpt-4o","reason":"incident 7"}"#, headers: Self.admin)
            #expect(set.status == .ok || set.status == .created)
            let list = try await client.send(.get, "/admin/v1/kill-switches", headers: Self.admin)
            #expect(list.text.contains("incident 7"))

            let stopped = try await client.send(
                .post, "/v1/chat/completions", json: #"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#,
                headers: [.authorization: "Bearer sk-test-key"])
            #expect(try stopped.status == .serviceUnavailable && (stopped.error()["code"] as? String) == "kill_switch")

            #expect(try await client.send(.delete, "/admin/v1/kill-switches/model/gpt-4o", headers: Self.admin).status.code < 300)
            let after = try await client.send(.get, "/admin/v1/kill-switches", headers: Self.admin)
            #expect(!after.text.contains("incident 7"))
        }
    }
}
