import Foundation
import Testing
import TollgateCore
import TollgateTestKit

/// The routes real clients use, and what every other route answers.
@Suite struct RouteTests {
    @Test func eachDialectListsOnlyTheModelsItsRoutesServe() async throws {
        try await GatewayHarness.run { h in
            let openai = try await h.gateway.send(.get, "/v1/models")
            let ids = (try openai.object()["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains("gpt-4o-mini") && !ids.contains("claude-sonnet-4-5"))
            let anthropic = try await h.gateway.send(.get, "/v1/models", headers: [("anthropic-version", "2023-06-01")])
            let names = (try anthropic.object()["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(names == ["claude-sonnet-4-5"])
        }
    }

    @Test func oneModelIsRetrievedInTheCallersDialect() async throws {
        try await GatewayHarness.run { h in
            let model = try await h.gateway.send(.get, "/v1/models/gpt-4o-mini")
            #expect(model.status == 200)
            #expect(try model.object()["id"] as? String == "gpt-4o-mini" && model.object()["object"] as? String == "model")
            let claude = try await h.gateway.send(.get, "/v1/models/claude-sonnet-4-5", headers: [("anthropic-version", "2023-06-01")])
            #expect(try claude.object()["type"] as? String == "model")
            let missing = try await h.gateway.send(.get, "/v1/models/no-such-model")
            #expect(missing.status == 404)
            #expect((try missing.object()["error"] as? [String: Any])?["code"] as? String == "model_not_found")
            #expect(try await h.gateway.send(.get, "/v1/models/gpt-4o-mini", authorization: nil).status == 401)
        }
    }

    @Test func unknownRoutesAnswerInTheCallersDialect() async throws {
        try await GatewayHarness.run { h in
            let openai = try await h.gateway.send(.post, "/v1/completions", json: "{}")
            #expect(openai.status == 404)
            let error = try #require(try openai.object()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error" && (error["message"] as? String)?.contains("/v1/completions") == true)
            let anthropic = try await h.gateway.send(.post, "/v1/messages/batches", json: "{}", headers: [("anthropic-version", "2023-06-01")])
            #expect(anthropic.status == 404)
            #expect(try anthropic.object()["type"] as? String == "error")
            #expect((try anthropic.object()["error"] as? [String: Any])?["type"] as? String == "not_found_error")
        }
    }

    @Test func countTokensIsForwardedAttributedAndNeverBilled() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(
                .post, "/v1/messages/count_tokens",
                json: #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"count these words please"}]}"#,
                headers: [("anthropic-version", "2023-06-01"), ("x-tollgate-workflow", "drafting")])
            #expect(response.status == 200)
            #expect((try response.object()["input_tokens"] as? Int ?? 0) > 0)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.route == "messages.count_tokens" && entry.costNanoUSD == 0 && entry.usage.total == 0)
            #expect(entry.attribution.team == "support" && entry.attribution.workflow == "drafting")
        }
    }

    @Test func theSDKsOwnUserFieldsNameTheEndUser() async throws {
        try await GatewayHarness.run { h in
            let chat = try await h.gateway.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi", extra: #","user":"end-user-7""#))
            let entry = try await h.entry(chat.headers["x-tollgate-request-id"])
            #expect(entry.attribution.user == "end-user-7" && entry.attribution.declared.contains(.user))
            let messages = try await h.gateway.send(
                .post, "/v1/messages", json: SimulatorBodies.messages("hi", extra: #","metadata":{"user_id":"end-user-8"}"#),
                headers: [("anthropic-version", "2023-06-01")])
            #expect(try await h.entry(messages.headers["x-tollgate-request-id"]).attribution.user == "end-user-8")
            // A header says otherwise: it wins.
            let declared = try await h.gateway.send(
                .post, "/v1/chat/completions", json: SimulatorBodies.chat("hi", extra: #","user":"end-user-7""#),
                headers: [("x-tollgate-user", "from-header")])
            #expect(try await h.entry(declared.headers["x-tollgate-request-id"]).attribution.user == "from-header")
        }
    }

    @Test func invalidBodiesAreRefusedBeforeTheProviderSeesThem() async throws {
        try await GatewayHarness.run { h in
            for body in [
                #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]"#, #"{"model":"gpt-4o-mini","messages":[{}]}"#,
                #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"max_tokens":-100000000000000000}"#,
                #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"mod\u0065l":"gpt-4o"}"#,
            ] {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
                #expect(response.status == 400, "\(body)")
            }
            #expect(try await h.simulator.recordedRequests().isEmpty)
        }
    }
}

/// Caller-declared names cannot smuggle terminal escapes, bidi overrides or forged lines.
@Suite struct DeclaredValueTests {
    @Test(arguments: ["evil\u{1b}[2J\u{1b}[31m", "fake\nLINE", "abc\u{202e}cba", "zero\u{200b}width", String(repeating: "w", count: 129)])
    func unsafeDeclaredValuesAreRefused(value: String) async throws {
        try await GatewayHarness.run { h in
            for header in ["x-tollgate-workflow", "x-tollgate-customer"] where !value.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: [(header, value)])
                #expect(response.status == 400)
                #expect((try response.object()["error"] as? [String: Any])?["code"] as? String == "invalid_attribution")
            }
            let escaped = value.unicodeScalars.map { $0.value < 0x80 && $0.value >= 0x20 ? String($0) : String(format: "\\u%04x", $0.value) }.joined()
            let body = SimulatorBodies.chat("hi", extra: ",\"user\":\"\(escaped)\"")
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: body).status == 400)
        }
    }

    @Test func terminalOutputShowsControlCharactersAsEscapes() {
        #expect(TerminalText.visible("evil\u{1b}[2J\nFAKE \u{202e}x") == "evil\\u{1b}[2J\\u{a}FAKE \\u{202e}x")
        #expect(TerminalText.visible("café 日本") == "café 日本")
    }
}

/// The order of refusals: an unauthenticated caller is told only that.
@Suite struct RefusalOrderTests {
    @Test func aMissingKeyIs401BeforeTheContentTypeIsLookedAt() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: "x", headers: [("content-type", "text/plain")], authorization: nil)
            #expect(response.status == 401)
        }
    }
}
