import HTTPTypes
import Testing

/// The caller routes under the router test framework: authentication, `/v1/models`, and the 4xx
/// answers a request gets before anything is sent upstream, each in the caller's dialect.
@Suite struct GatewayRouterTests {
    static let chat = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#
    static let messages = #"{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func aCallWithoutAKeyOrWithAWrongOneIsRefusedInTheCallersDialect() async throws {
        try await RouterHarness.run { client in
            let none = try await client.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(none.status == .unauthorized)
            #expect(try none.error()["code"] as? String == "invalid_api_key")
            #expect(try none.error()["type"] as? String == "authentication_error")

            let wrong = try await client.send(.post, "/v1/chat/completions", json: Self.chat, headers: [.authorization: "Bearer sk-nope"])
            #expect(wrong.status == .unauthorized && !wrong.text.contains("sk-nope"))

            let anthropic = try await client.send(
                .post, "/v1/messages", json: Self.messages, headers: [.apiKeyHeader: "sk-nope", .anthropicVersionHeader: "2023-06-01"])
            #expect(anthropic.status == .unauthorized)
            #expect(try anthropic.object()["type"] as? String == "error")
            #expect(try anthropic.error()["type"] as? String == "authentication_error")
        }
    }

    @Test func aKeyOutsideItsAllowlistIsRefusedBeforeTheUpstream() async throws {
        try await RouterHarness.run { client in
            let denied = try await client.send(.post, "/v1/chat/completions", json: Self.chat, headers: [.authorization: "Bearer sk-gpt4o-only-key"])
            #expect(denied.status == .forbidden)
            #expect(try denied.error()["code"] as? String == "model_not_allowed")
        }
    }

    @Test func modelsAreListedAndRetrievedPerDialectBehindTheKey() async throws {
        try await RouterHarness.run { client in
            let bearer: [HTTPField.Name: String] = [.authorization: "Bearer sk-test-key"]
            let list = try await client.send(.get, "/v1/models", headers: bearer)
            #expect(list.status == .ok)
            #expect(try list.object()["object"] as? String == "list")
            let ids = try #require(try list.object()["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(Set(ids).isSuperset(of: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"]) && !ids.contains("claude-sonnet-4-5"))

            let claude = try await client.send(.get, "/v1/models", headers: [.apiKeyHeader: "sk-test-key", .anthropicVersionHeader: "2023-06-01"])
            let names = try #require(try claude.object()["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(names == ["claude-sonnet-4-5"])

            let one = try await client.send(.get, "/v1/models/gpt-4o", headers: bearer)
            #expect(try one.status == .ok && (one.object()["id"] as? String) == "gpt-4o")
            let missing = try await client.send(.get, "/v1/models/gpt-9", headers: bearer)
            #expect(try missing.status == .notFound && (missing.error()["code"] as? String) == "model_not_found")
            #expect(try await client.send(.get, "/v1/models").status == .unauthorized)
            #expect(try await client.send(.get, "/v1/models/gpt-4o").status == .unauthorized)
        }
    }

    @Test(arguments: [
        ("{\"model\":", "invalid_json"),
        (#"{"messages":[{"role":"user","content":"hi"}]}"#, "missing_required_parameter"),
        (#"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#, "model_not_found"),
        (#"{"model":"gpt-4o-mini","model":"gpt-4o","messages":[]}"#, "duplicate_parameter"),
        (#"{"model":"gpt-4o-mini","messages":"hi"}"#, "invalid_type"),
    ])
    func aBadBodyGetsItsCodeAndStatusFromTheOneTable(body: String, code: String) async throws {
        try await RouterHarness.run { client in
            let reply = try await client.send(.post, "/v1/chat/completions", json: body, headers: [.authorization: "Bearer sk-test-key"])
            #expect(try reply.error()["code"] as? String == code, "\(reply.text)")
            #expect(reply.status.code == (code == "model_not_found" ? 404 : 400))
        }
    }

    @Test func oversizedUnknownWrongMethodAndNonJSONRequestsAreAnsweredAsJSON() async throws {
        try await RouterHarness.run { client in
            let bearer: [HTTPField.Name: String] = [.authorization: "Bearer sk-test-key"]
            let padding = String(repeating: "x", count: 70_000)
            let large = try await client.send(
                .post, "/v1/chat/completions", json: #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\#(padding)"}]}"#,
                headers: bearer)
            #expect(try large.status == .contentTooLarge && (large.error()["code"] as? String) == "request_too_large")

            let unknown = try await client.send(.post, "/v1/completions", json: Self.chat, headers: bearer)
            #expect(try unknown.status == .notFound && (unknown.error()["message"] as? String)?.contains("/v1/completions") == true)
            let anthropicUnknown = try await client.send(.get, "/v1/nothing", headers: [.anthropicVersionHeader: "2023-06-01"])
            #expect(try anthropicUnknown.status == .notFound && (anthropicUnknown.error()["type"] as? String) == "not_found_error")

            let text = try await client.send(
                .post, "/v1/chat/completions", json: Self.chat, headers: [.authorization: "Bearer sk-test-key", .contentType: "text/plain"])
            #expect(text.status == .unsupportedMediaType)
            let get = try await client.send(.get, "/v1/chat/completions", headers: bearer)
            // As OpenAI answers a wrong method: 404 for the URL, naming what is served instead.
            #expect(try get.status == .notFound && (get.error()["code"] as? String) == "unknown_url")
            #expect(
                try (get.error()["message"] as? String)?.contains("does not serve GET /v1/chat/completions. It serves POST /v1/chat/completions")
                    == true)
        }
    }

    @Test func healthReadinessMetricsAndTheIndexNeedNoKey() async throws {
        try await RouterHarness.run { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok && health.text == "ok\n")
            #expect(try await client.send(.get, "/readyz").status == .ok)
            let index = try await client.send(.get, "/")
            #expect(index.status == .ok && index.text.contains("openai_base_url"))
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == .ok && metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }
}
