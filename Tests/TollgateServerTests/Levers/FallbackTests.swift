import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Fallbacks and circuit breakers through the real gateway and simulator: a call its provider cannot
/// serve goes to the next model, every upstream call is on the ledger, and a failing provider's circuit
/// opens, lets one probe through after its cool-down, and closes when the provider answers again.
@Suite struct FallbackTests {
    static let providers = """
          - {name: backup-sim, kind: openai, base_url: "http://127.0.0.1:SIM_PORT/v1", api_key: sk-upstream-secret}
          - {name: dead-sim, kind: openai, base_url: "http://127.0.0.1:DEAD_PORT/v1", api_key: sk-x, retries: {max_attempts: 1}}
        """

    static let models = """
          - {name: gpt-4o-mini-backup, provider: backup-sim, upstream_model: gpt-4o-mini, price_as: gpt-4o-mini}
          - {name: gpt-4o-dead, provider: dead-sim, upstream_model: gpt-4o, price_as: gpt-4o}
        """

    static func levers(breaker: String = "") -> String {
        """
        admin: {key: sk-fallback-admin}
        levers:
          fallbacks:
            rules:
              - {name: chat, match: {model: gpt-4o}, models: [claude-sonnet-4-5, gpt-4o-mini-backup]}
              - {name: dead, match: {model: gpt-4o-dead}, models: [gpt-4o-mini-backup]}
        \(breaker)
        """
    }

    static func chat(_ model: String = "gpt-4o", _ content: String = "Where is my parcel? [[sim:tokens=9]]") -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}]}"#
    }

    static func run(
        breaker: String = "", clock: WallClock = .system, _ body: @Sendable @escaping (GatewayHarness) async throws -> Void
    ) async throws {
        let dead = try RefusingPort()
        try await GatewayHarness.run(
            extraConfiguration: levers(breaker: breaker), extraProviders: providers.replacingOccurrences(of: "DEAD_PORT", with: "\(dead.port)"),
            extraModels: models, clock: clock, body)
        withExtendedLifetime(dead) {}
    }

    /// A fault on the first `count` upstream calls carrying `key`.
    static func fault(_ kind: String, count: Int, key: String = UUID().uuidString) -> [(String, String)] {
        [("x-sim-fault", kind), ("x-sim-fault-count", "\(count)"), ("x-sim-fault-key", key)]
    }

    @Test(arguments: ["server_error", "rate_limit"])
    func aCallTheProviderFailsAfterItsRetriesGoesToTheNextModel(fault: String) async throws {
        try await Self.run { h in
            // Three attempts (the provider's retries) fail; the fallback is the fourth upstream call.
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(), headers: Self.fault(fault, count: 3))
            #expect(response.status == 200)
            #expect(response.headers["x-tollgate-routed-from"] == "gpt-4o" && response.headers["x-tollgate-model"] == "gpt-4o-mini-backup")
            let upstream = try await h.simulator.recordedRequests().compactMap { $0["model"] as? String }
            #expect(upstream == ["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini"])

            let id = try #require(response.headers["x-tollgate-request-id"])
            let step = try await h.entry("\(id).1")
            #expect(step.parentID == id && step.status == .upstreamError && step.requestedModel == "gpt-4o")
            #expect(step.httpStatus == (fault == "rate_limit" ? 429 : 500) && step.attempts.count == 3 && step.costNanoUSD == 0)
            let served = try await h.entry(id)
            #expect(served.status == .ok && served.requestedModel == "gpt-4o-mini-backup" && served.provider == "backup-sim")
            #expect(served.routedFrom == "gpt-4o" && served.lever == "fallback" && served.leverRule?.hasPrefix("chat: fallback after http_") == true)
            // The Anthropic model of the list cannot take an OpenAI call, so it was passed over.
            #expect(served.governance?.contains("fell back from gpt-4o to gpt-4o-mini-backup") == true)
            let expected = served.usage.inputUncached * 2_500 + served.usage.output * 10_000 - (served.costNanoUSD ?? 0)
            #expect(served.savedNanoUSD == expected && served.savedEstimated == true)
        }
    }

    @Test func anUnreachableProviderFallsBackAndAModelWithoutARuleKeepsItsError() async throws {
        try await Self.run { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("gpt-4o-dead"))
            #expect(response.status == 200 && response.headers["x-tollgate-model"] == "gpt-4o-mini-backup")
            let id = try #require(response.headers["x-tollgate-request-id"])
            let step = try await h.entry("\(id).1")
            #expect(step.httpStatus == 502 && step.errorMessage?.contains("connect") == true && step.usage == .zero)
            // A model no rule covers answers with its provider's error.
            let mini = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat("gpt-4o-mini"), headers: Self.fault("server_error", count: 3))
            #expect(mini.status == 500 && mini.headers["x-tollgate-routed-from"] == nil)
        }
    }

    @Test func theCircuitOpensAfterItsFailuresProbesAfterItsCooldownAndClosesOnSuccess() async throws {
        let clock = MovableClock()
        let breaker = "    circuit_breaker: {failures: 2, window: 30s, cooldown: 10s}"
        try await Self.run(breaker: breaker, clock: clock.wallClock) { h in
            let key = UUID().uuidString
            // Two calls fail on openai-sim (three attempts each) and fall back: the circuit opens.
            for _ in 0..<2 {
                let r = try await h.gateway.send(
                    .post, "/v1/chat/completions", json: Self.chat(), headers: Self.fault("server_error", count: 6, key: key))
                #expect(r.headers["x-tollgate-model"] == "gpt-4o-mini-backup")
            }
            #expect(try await h.simulator.recordedRequests().count == 8)
            let circuits = try await h.gateway.send(.get, "/admin/v1/circuits", authorization: "Bearer sk-fallback-admin")
            let data = try #require(try circuits.object()["data"] as? [[String: Any]])
            #expect(data.first { $0["provider"] as? String == "openai-sim" }?["state"] as? String == "open")
            #expect(try await h.gateway.send(.get, "/metrics").body.contains(#"tollgate_circuit_state{provider="openai-sim"} 2"#))

            // Open: the next call is not sent to openai-sim at all, and there is no step entry.
            let skipped = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat())
            #expect(skipped.status == 200 && skipped.headers["x-tollgate-model"] == "gpt-4o-mini-backup")
            #expect(try await h.simulator.recordedRequests().count == 9)
            let id = try #require(skipped.headers["x-tollgate-request-id"])
            #expect(try await h.entry(id).governance?.contains("circuit of openai-sim open") == true)
            #expect(try await h.database.entries(chainedTo: id).isEmpty)
            // Without a fallback, an open circuit answers 503 with Retry-After, and the call is on the ledger.
            let alone = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("gpt-4o-mini"))
            #expect(alone.status == 503 && alone.headers["retry-after"] != nil)
            let refused = try await h.entry(alone.headers["x-tollgate-request-id"])
            #expect(refused.httpStatus == 503 && refused.costNanoUSD == 0 && refused.status == .upstreamError)

            // After the cool-down one probe goes through; the provider answers again, so the circuit closes.
            clock.advance(by: 10_000)
            let probe = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat())
            #expect(probe.status == 200 && probe.headers["x-tollgate-routed-from"] == nil)
            #expect(try await h.gateway.send(.get, "/metrics").body.contains(#"tollgate_circuit_state{provider="openai-sim"} 0"#))
        }
    }
}
