import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Rate limits and agent (trace) limits over real sockets.
@Suite struct LimitTests {
    static let chat = #"{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"Limit me [[sim:tokens=5]]"}]}"#

    @Test func requestsPerMinuteAreLimitedPerKeyWithRetryAfterAndOpenAIHeaders() async throws {
        let config = """
            governance:
              rate_limits:
                - {name: per-key, scope: {key: "*"}, requests_per_minute: 3}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            for i in 0..<3 {
                let ok = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
                #expect(ok.status == 200)
                #expect(ok.headers["x-ratelimit-limit-requests"] == "3")
                #expect(ok.headers["x-ratelimit-remaining-requests"] == String(2 - i))
            }
            let limited = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(limited.status == 429)
            let error = try #require(try limited.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect((error["message"] as? String)?.contains("3 requests per minute") == true)
            let retry = try #require(limited.headers["retry-after"].flatMap(Int.init))
            #expect(retry >= 1 && retry <= 20)
            #expect(limited.headers["x-ratelimit-remaining-requests"] == "0")
            #expect(limited.headers["x-should-retry"] == "true")
            // Another key has its own bucket.
            let other = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, authorization: "Bearer sk-locked-key")
            #expect(other.status == 200)
        }
    }

    @Test func tokensPerMinuteCountInputAndTheOutputCap() async throws {
        let config = """
            governance:
              rate_limits:
                - {name: provider-ceiling, scope: {provider: openai-sim}, tokens_per_minute: 60}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            // Each call takes its input estimate plus max_tokens (10) up front, then gives back what it did not use.
            var served = 0
            for _ in 0..<20 {
                let r = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
                if r.status == 429 {
                    #expect(r.body.contains("tokens per minute"))
                    break
                }
                served += 1
            }
            #expect(served >= 3 && served < 20)
            // The Anthropic provider is not behind the OpenAI provider's ceiling.
            let anthropic = try await h.gateway.send(
                .post, "/v1/messages", json: SimulatorBodies.messages("hi"), headers: [("anthropic-version", "2023-06-01")])
            #expect(anthropic.status == 200)
        }
    }

    @Test func agentCallLimitHoldsUnderConcurrency() async throws {
        let config = """
            governance:
              agent_limits:
                - {name: per-task, max_calls: 5, max_duration: 10m}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let results = try await Burst.send(
                port: h.gateway.port, count: 40, body: { _ in Self.chat }, headers: { _ in [("x-tollgate-trace-id", "task-1")] })
            #expect(results.filter { $0.status == 200 }.count == 5)
            let refused = results.filter { $0.status == 429 }
            #expect(refused.count == 35)
            for r in refused {
                #expect(r.errorCode == "agent_limit_exceeded")
                #expect(r.body.contains("per-task") && r.body.contains("task-1"))
            }
            // Other traces, and calls without a trace, are not affected.
            let other = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, headers: [("x-tollgate-trace-id", "task-2")])
            #expect(other.status == 200)
            let untraced = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(untraced.status == 200)
            let entries = try await h.settledEntries(count: 42)
            let traced = entries.filter { $0.attribution.traceID == "task-1" && $0.status == .ok }
            #expect(traced.count == 5)
        }
    }

    @Test func agentLimitsHoldAcrossARestart() async throws {
        let config = """
            governance:
              agent_limits:
                - {name: per-task, max_calls: 4}
            """
        let ledger = try GatewayHarness.freshLedgerPath()
        let trace = [("x-tollgate-trace-id", "persistent-task")]
        try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            for _ in 0..<3 { #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, headers: trace).status == 200) }
            _ = try await h.settledEntries(count: 3)
        }
        try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, headers: trace).status == 200)
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat, headers: trace)
            #expect(refused.status == 429 && refused.body.contains("made 4 calls"))
        }
    }

    @Test func agentCostLimitNeverOvershoots() async throws {
        // A call costs about 280,000 nano-USD and may cost up to about 1.3M (strict bound); the trace may spend 2M.
        let config =
            roundPrices + """

                governance:
                  agent_limits:
                    - {name: task-cost, max_cost_usd: "0.002"}
                """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let body = #"{"model":"gpt-4o","max_tokens":10,"messages":[{"role":"user","content":"Agent step [[sim:tokens=10]]"}]}"#
            var served = 0
            for round in 0..<4 {
                let results = try await Burst.send(
                    port: h.gateway.port, count: 20, body: { _ in body }, headers: { _ in [("x-tollgate-trace-id", "agent-run")] })
                served += results.filter { $0.status == 200 }.count
                if round == 3 { #expect(results.allSatisfy { $0.status == 429 || $0.status == 200 }) }
            }
            let entries = try await h.settledEntries(count: 80)
            let spent = entries.filter { $0.attribution.traceID == "agent-run" }.reduce(0) { $0 + ($1.costNanoUSD ?? 0) }
            #expect(served > 0)
            #expect(spent <= 2_000_000)
            let refused = entries.filter { $0.status == .blocked }
            #expect(refused.count == 80 - served)
            #expect(refused.first?.errorMessage?.contains("Trace totals") == true)
        }
    }
}
