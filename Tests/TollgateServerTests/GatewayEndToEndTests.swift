import Foundation
import Testing
import TollgateCore
import TollgateServer
import TollgateStore
import TollgateTestKit

/// The gateway and the simulator over real sockets, with a real SQLite ledger.
@Suite struct GatewayEndToEndTests {
    static let chat =
        #"{"model":"gpt-4o-mini","max_tokens":20,"messages":[{"role":"user","content":"Summarise our refund policy [[sim:tokens=12]]"}]}"#

    @Test func nonStreamingChatIsMeteredPricedAndAttributed() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat,
                headers: [("x-tollgate-customer", "globex"), ("x-tollgate-prompt-version", "v7"), ("x-stainless-retry-count", "1")])
            #expect(response.status == 200)
            let usage = try #require(try response.object()["usage"] as? [String: Any])
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            #expect(usage["completion_tokens"] as? Int == 12)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .ok && entry.usageSource == .reported && entry.pricing == .priced)
            #expect(entry.usage == TokenUsage(inputUncached: Int64(prompt), output: 12))
            // gpt-4o-mini: $0.15 / $0.60 per 1M tokens.
            let expected = (Int64(prompt) * 150 + 12 * 600)
            #expect(entry.costNanoUSD == expected)
            #expect(response.headers["x-tollgate-cost-usd"] == Money.format(nanoUSD: expected))
            #expect(entry.attribution.team == "support" && entry.attribution.workflow == "support-copilot")
            #expect(entry.attribution.customer == "globex" && entry.attribution.promptVersion == "v7")
            #expect(entry.attribution.declared == [.customer, .promptVersion])
            #expect(entry.clientRetryCount == 1)
            #expect(entry.priceVersion?.contains("litellm") == true)
        }
    }

    @Test func streamingChatRelaysEventsAndHidesTheUsageChunkItAddedItself() async throws {
        try await GatewayHarness.run { h in
            let body = #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello there [[sim:tokens=9]]"}]}"#
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            #expect(response.events.last == "data: [DONE]")
            #expect(!response.body.contains("\"usage\":{"))
            let expectedEvents = 12  // role, 9 tokens, finish, [DONE]
            #expect(response.events.count == expectedEvents)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.stream && entry.status == .ok && entry.usageSource == .reported)
            #expect(entry.usage.output == 9)
            #expect(entry.ttftMs != nil)

            let asked =
                #"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello [[sim:tokens=3]]"}]}"#
            let withUsage = try await h.gateway.send(.post, "/v1/chat/completions", json: asked)
            #expect(withUsage.events.filter { $0.contains("\"usage\":{") }.count == 1)
        }
    }

    @Test func anthropicMessagesStreamWithCacheWritesThenReads() async throws {
        try await GatewayHarness.run { h in
            let system = String(repeating: "Clause 4.2 covers indemnity and limitation of liability. ", count: 40)
            let body = """
                {"model":"claude-sonnet-4-5","max_tokens":50,"stream":true,
                 "system":[{"type":"text","text":"\(system)","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Extract the parties [[sim:tokens=5]]"}]}
                """
            let first = try await h.gateway.send(.post, "/v1/messages", json: body, headers: [("anthropic-version", "2026-10-21")])
            #expect(first.status == 200)
            #expect(first.events.first?.hasPrefix("event: message_start") == true)
            #expect(first.events.last?.hasPrefix("event: message_stop") == true)
            let written = try await h.entry(first.headers["x-tollgate-request-id"])
            #expect(written.usage.cacheWrite5m > 0 && written.usage.cacheRead == 0 && written.usage.output == 5)
            let second = try await h.gateway.send(.post, "/v1/messages", json: body, headers: [("anthropic-version", "2023-06-01")])
            let read = try await h.entry(second.headers["x-tollgate-request-id"])
            #expect(read.usage.cacheRead == written.usage.cacheWrite5m)
            // claude-sonnet-4-5: input $3, write $3.75, read $0.30, output $15 per 1M.
            #expect(read.costNanoUSD == read.usage.inputUncached * 3_000 + read.usage.cacheRead * 300 + 5 * 15_000)
            #expect(written.costNanoUSD == written.usage.inputUncached * 3_000 + written.usage.cacheWrite5m * 3_750 + 5 * 15_000)
        }
    }

    @Test func providerRateLimitIsRetriedAndEveryAttemptIsRecorded() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat,
                headers: [("x-sim-fault", "rate_limit"), ("x-sim-fault-count", "1"), ("x-sim-fault-key", UUID().uuidString)])
            #expect(response.status == 200)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.attempts.map(\.status) == [429, 200])
            #expect(entry.status == .ok)
        }
    }

    @Test func persistentProviderErrorReachesTheClientInItsDialectAndIsRecorded() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, headers: [("x-sim-fault", "server_error")])
            #expect(response.status == 500)
            #expect((try response.object()["error"] as? [String: Any]) != nil)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .upstreamError && entry.httpStatus == 500 && entry.attempts.count == 3)
        }
    }

    @Test func aStreamTheProviderCutsIsRecordedEstimatedAndNeverFree() async throws {
        try await GatewayHarness.run { h in
            let body = #"{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Tell me a long story [[sim:tokens=40]]"}]}"#
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-sim-fault", "disconnect")])
            #expect(response.status == 200)
            #expect(!response.body.contains("[DONE]"))
            #expect(response.body.contains("\"error\""))  // the SDK raises instead of ending silently
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .cancelled && entry.usageSource == .estimated && entry.pricing == .estimated)
            #expect((entry.costNanoUSD ?? 0) > 0)
            #expect(entry.usage.output > 0 && entry.usage.output < 40)
        }
    }

    @Test func unpricedModelIsUnknownNotZero() async throws {
        try await GatewayHarness.run { h in
            let body = #"{"model":"mystery-model","messages":[{"role":"user","content":"hi"}]}"#
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            #expect(response.headers["x-tollgate-cost-usd"] == "unpriced")
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.pricing == .unpriced && entry.costNanoUSD == nil)
        }
    }

    @Test func aliasesAndEmbeddings() async throws {
        try await GatewayHarness.run { h in
            let aliased = try await h.gateway.send(
                .post, "/v1/chat/completions", json: #"{"model":"fast","messages":[{"role":"user","content":"hi"}]}"#)
            let entry = try await h.entry(aliased.headers["x-tollgate-request-id"])
            #expect(entry.requestedModel == "gpt-4o-mini" && entry.pricing == .priced)
            let embedded = try await h.gateway.send(
                .post, "/v1/embeddings", json: #"{"model":"text-embedding-3-small","input":["abcdefgh","ijkl"],"encoding_format":"base64"}"#)
            #expect(embedded.status == 200)
            let e = try await h.entry(embedded.headers["x-tollgate-request-id"])
            #expect(e.usage.inputUncached == 3 && e.costNanoUSD == 3 * 20)  // $0.02 per 1M
        }
    }

    @Test func badRequestsGetDialectErrorsAndNothingIsForwarded() async throws {
        try await GatewayHarness.run { h in
            let cases: [(String, String, [(String, String)], Int)] = [
                ("/v1/chat/completions", "{nope", [], 400),
                ("/v1/chat/completions", #"{"model":"gpt-4o-mini"}"#, [], 400),
                ("/v1/chat/completions", #"{"model":"gpt-5-nope","messages":[{"role":"user","content":"x"}]}"#, [], 404),
                ("/v1/chat/completions", #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]}"#, [], 400),
                ("/v1/messages", #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"x"}]}"#, [], 400),
                ("/v1/chat/completions", String(repeating: "x", count: 70_000), [], 413),
            ]
            for (path, body, headers, status) in cases {
                let response = try await h.gateway.send(.post, path, json: body, headers: headers)
                #expect(response.status == status, "\(path) \(body.prefix(60))")
                let object = try response.object()
                if path == "/v1/messages" {
                    #expect(object["type"] as? String == "error")
                } else {
                    #expect(object["error"] is [String: Any])
                }
            }
            let wrongType = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat, headers: [("content-type", "text/plain")])
            #expect(wrongType.status == 415 || wrongType.status == 400)
            #expect(try await h.simulator.recordedRequests().isEmpty)
            #expect(try await h.database.entryCount() == 0)
        }
    }

    @Test func secretsNeverReachTheLedger() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            _ = try await h.entry(response.headers["x-tollgate-request-id"])
            let file = try Data(contentsOf: URL(fileURLWithPath: h.ledgerPath))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: h.ledgerPath + "-wal"))) ?? Data()
            for secret in ["sk-test-key", "sk-upstream-secret"] {
                #expect(file.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
            }
        }
    }

    @Test func authenticationInBothDialects() async throws {
        try await GatewayHarness.run { h in
            let noKey = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: nil)
            #expect(noKey.status == 401)
            #expect(((try noKey.object()["error"] as? [String: Any])?["type"] as? String) == "authentication_error")
            #expect(noKey.headers["x-should-retry"] == "false")
            let wrong = try await h.gateway.send(.post, "/v1/messages", json: "{}", authorization: "Bearer sk-nope-nope")
            #expect(wrong.status == 401)
            #expect(((try wrong.object()["error"] as? [String: Any])?["type"] as? String) == "authentication_error")
            let body = #"{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#
            let apiKey = try await h.gateway.send(.post, "/v1/messages", json: body, headers: [("x-api-key", "sk-test-key")], authorization: nil)
            #expect(apiKey.status == 200)
            #expect(try await h.simulator.recordedRequests().count == 1)
        }
    }

    @Test func aKeyThatForbidsOverridesKeepsItsWorkflow() async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat, headers: [("x-tollgate-workflow", "marketing"), ("x-tollgate-trace-id", "t-1")],
                authorization: "Bearer sk-locked-key")
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.attribution.workflow == "contract-extraction" && entry.attribution.team == "legal")
            #expect(entry.attribution.traceID == "t-1" && entry.attribution.declared == [.traceID])
        }
    }

    @Test func modelsHealthAndMetrics() async throws {
        try await GatewayHarness.run { h in
            let openai = try await h.gateway.send(.get, "/v1/models")
            let listObject = try openai.object()["object"] as? String
            #expect(openai.status == 200 && listObject == "list")
            let anthropic = try await h.gateway.send(.get, "/v1/models", headers: [("anthropic-version", "2023-06-01")])
            let first = try #require((try anthropic.object()["data"] as? [[String: Any]])?.first)
            #expect(first["type"] as? String == "model")
            #expect(try await h.gateway.send(.get, "/healthz").status == 200)
            #expect(try await h.gateway.send(.get, "/readyz").status == 200)
            _ = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            let metrics = try await h.gateway.send(.get, "/metrics").body
            #expect(
                metrics.contains(
                    #"tollgate_requests_total{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",status="ok",team="support",workflow="support-copilot"} 1"#
                ))
            #expect(!metrics.contains("sk-test-key") && !metrics.contains("support-key"))
        }
    }
}
