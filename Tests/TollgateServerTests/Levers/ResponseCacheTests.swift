import Foundation
import Synchronization
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// The exact response cache through the real gateway and simulator: what is served from it, to whom,
/// for how long, and what the ledger says about each hit.
@Suite struct ResponseCacheTests {
    static let levers = """
        levers:
          cache:
            rules:
              - {name: copilot, match: {workflow: support-copilot}, ttl: 1h}
              - {name: short, match: {workflow: short-lived}, ttl: 10m}
              - {name: tools, match: {workflow: tool-runner}, tool_calls: true}
              - {name: shared, match: {workflow: shared-faq}, scope: workflow}
        """

    static func chat(_ content: String, model: String = "gpt-4o-mini", extra: String = #","temperature":0"#) -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}]\#(extra)}"#
    }

    @Test func anIdenticalRequestIsServedFromTheCacheAndTheHitIsOnTheLedger() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let first = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("What is the refund window? [[sim:tokens=7]]"))
            #expect(first.status == 200 && first.headers["x-tollgate-cache"] == "miss")
            // The same request with other whitespace, key order and escaping.
            let respelled =
                #"{ "temperature" : 0.0, "messages" : [ {"content":"What is the refund window? [[sim:tokens=7\u005d]", "role":"user"} ], "model":"gpt-4o-mini" }"#
            let second = try await h.gateway.send(.post, "/v1/chat/completions", json: respelled)
            #expect(second.status == 200 && second.headers["x-tollgate-cache"] == "hit")
            #expect(second.body == first.body)
            #expect(try await h.simulator.recordedRequests().count == 1)

            let source = try await h.entry(first.headers["x-tollgate-request-id"])
            let hit = try await h.entry(second.headers["x-tollgate-request-id"])
            #expect(source.status == .ok && source.lever == nil && source.leversVersion != nil)
            #expect(hit.status == .cached && hit.httpStatus == 200 && hit.lever == "cache" && hit.sourceID == source.id)
            #expect(hit.costNanoUSD == 0 && hit.usage == .zero && hit.pricing == .priced)
            #expect(hit.savedNanoUSD == source.costNanoUSD && hit.counterfactualNanoUSD == source.costNanoUSD)
            #expect(hit.leversVersion == source.leversVersion)
            #expect(hit.servedModel == source.servedModel && hit.attribution.workflow == "support-copilot")
            #expect(second.headers["x-tollgate-cache-source"] == source.id)
            #expect(second.headers["x-tollgate-saved-usd"] == Money.format(nanoUSD: source.costNanoUSD ?? -1))
            #expect(second.headers["x-tollgate-cost-usd"] == Money.format(nanoUSD: 0))
        }
    }

    @Test func anthropicMessagesAreCachedInTheirOwnDialect() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let body =
                #"{"model":"claude-sonnet-4-5","max_tokens":64,"temperature":0,"messages":[{"role":"user","content":"Name the clause [[sim:tokens=5]]"}]}"#
            let first = try await h.gateway.send(.post, "/v1/messages", json: body, headers: [("anthropic-version", "2023-06-01")])
            let second = try await h.gateway.send(.post, "/v1/messages", json: body, headers: [("anthropic-version", "2023-06-01")])
            #expect(first.status == 200 && second.status == 200)
            #expect(second.headers["x-tollgate-cache"] == "hit" && second.body == first.body)
            // The same prompt on the other dialect's route is another request.
            let openai = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Name the clause [[sim:tokens=5]]"))
            #expect(openai.headers["x-tollgate-cache"] == "miss")
            #expect(try await h.simulator.recordedRequests().count == 2)
        }
    }

    @Test func streamsAreStoredOnceCompleteAndServedAsStreamsInTheCallersDialect() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let openai = Self.chat("Track my parcel [[sim:tokens=6]]", extra: #","temperature":0,"stream":true"#)
            let streamed = try await h.gateway.send(.post, "/v1/chat/completions", json: openai)
            #expect(streamed.headers["x-tollgate-cache"] == "miss" && streamed.events.last == "data: [DONE]")
            let replay = try await h.gateway.send(.post, "/v1/chat/completions", json: openai)
            #expect(replay.headers["x-tollgate-cache"] == "hit" && replay.headers["content-type"] == "text/event-stream")
            #expect(Self.text(replay) == Self.text(streamed) && replay.events.last == "data: [DONE]")
            #expect(!replay.body.contains("\"usage\":{"))  // the caller did not ask for the usage chunk
            let plain = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Track my parcel [[sim:tokens=6]]"))
            #expect(plain.headers["x-tollgate-cache"] == "hit")
            let message = try #require(((try plain.object()["choices"] as? [[String: Any]])?.first?["message"]) as? [String: Any])
            #expect(message["content"] as? String == Self.text(streamed))

            let anthropic =
                #"{"model":"claude-sonnet-4-5","max_tokens":64,"temperature":0,"stream":true,"messages":[{"role":"user","content":"Clause? [[sim:tokens=5]]"}]}"#
            let headers = [("anthropic-version", "2023-06-01")]
            let first = try await h.gateway.send(.post, "/v1/messages", json: anthropic, headers: headers)
            let second = try await h.gateway.send(.post, "/v1/messages", json: anthropic, headers: headers)
            #expect(first.headers["x-tollgate-cache"] == "miss" && second.headers["x-tollgate-cache"] == "hit")
            #expect(second.events.first?.hasPrefix("event: message_start") == true && second.events.last?.hasPrefix("event: message_stop") == true)
            let hit = try await h.entry(second.headers["x-tollgate-request-id"])
            let source = try await h.entry(first.headers["x-tollgate-request-id"])
            #expect(hit.status == .cached && hit.stream && hit.sourceID == source.id && hit.savedNanoUSD == source.costNanoUSD)
            #expect(try await h.simulator.recordedRequests().count == 2)
        }
    }

    @Test func aCutStreamIsNeverStored() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let cut = Self.chat("Cut me off [[sim:tokens=20,fault=stream_error]]", extra: #","temperature":0,"stream":true"#)
            for _ in 0..<2 {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: cut)
                #expect(response.headers["x-tollgate-cache"] == "miss")
            }
            #expect(try await h.simulator.recordedRequests().count == 2)
        }
    }

    /// The text of an OpenAI stream's content deltas.
    static func text(_ response: SimulatorTestResponse) -> String {
        response.events.compactMap { event -> String? in
            guard let data = try? SimulatorTestResponse.data(of: event), let choices = data["choices"] as? [[String: Any]] else { return nil }
            return (choices.first?["delta"] as? [String: Any])?["content"] as? String
        }.joined()
    }

    @Test func everyFieldThatChangesTheAnswerIsPartOfTheKey() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let prompt = "Classify this ticket [[sim:tokens=4]]"
            let variants = [
                Self.chat(prompt), Self.chat(prompt, extra: #","temperature":0,"max_tokens":3"#),
                Self.chat(prompt, extra: #","temperature":0,"seed":7"#), Self.chat(prompt, extra: #","temperature":0,"top_p":0.5"#),
                Self.chat(prompt, extra: #","temperature":0,"stop":["\n"]"#),
                Self.chat(prompt, extra: #","temperature":0,"response_format":{"type":"json_object"}"#),
                Self.chat(prompt, model: "gpt-4o"),
            ]
            for body in variants {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
                #expect(response.headers["x-tollgate-cache"] == "miss", "\(body)")
            }
            // Fields that change nothing in the answer do not split it.
            let same = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(prompt, extra: #","temperature":0,"user":"u-9","metadata":{"a":"b"},"top_p":1"#))
            #expect(same.headers["x-tollgate-cache"] == "hit")
            #expect(try await h.simulator.recordedRequests().count == variants.count)
        }
    }

    @Test func anotherTeamIsNeverServedTheAnswerUnlessTheRuleSharesIt() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let body = Self.chat("Quarterly numbers? [[sim:tokens=6]]", model: "gpt-4o")
            let research = "Bearer sk-gpt4o-only-key"
            let support = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            let other = try await h.gateway.send(
                .post, "/v1/chat/completions", json: body, headers: [("x-tollgate-workflow", "support-copilot")], authorization: research)
            #expect(support.status == 200 && other.status == 200)
            #expect(other.headers["x-tollgate-cache"] == "miss")
            // A rule scoped to the workflow shares across teams.
            let faq = Self.chat("Opening hours? [[sim:tokens=6]]", model: "gpt-4o")
            let asked = try await h.gateway.send(.post, "/v1/chat/completions", json: faq, headers: [("x-tollgate-workflow", "shared-faq")])
            let shared = try await h.gateway.send(
                .post, "/v1/chat/completions", json: faq, headers: [("x-tollgate-workflow", "shared-faq")], authorization: research)
            #expect(asked.headers["x-tollgate-cache"] == "miss" && shared.headers["x-tollgate-cache"] == "hit")
            let hit = try await h.entry(shared.headers["x-tollgate-request-id"])
            #expect(hit.attribution.team == "research" && hit.sourceID == asked.headers["x-tollgate-request-id"])
        }
    }

    @Test func sampledRequestsAndOtherWorkflowsAreForwardedEveryTime() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let sampled = Self.chat("Write a tagline [[sim:tokens=4]]", extra: "")
            for _ in 0..<2 {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: sampled)
                #expect(response.headers["x-tollgate-cache"] == "bypass")
            }
            let uncovered = Self.chat("Draft a clause [[sim:tokens=4]]")
            for _ in 0..<2 {
                let response = try await h.gateway.send(
                    .post, "/v1/chat/completions", json: uncovered, headers: [("x-tollgate-workflow", "contract-drafting")])
                #expect(response.status == 200 && response.headers["x-tollgate-cache"] == nil)
            }
            #expect(try await h.simulator.recordedRequests().count == 4)
        }
    }

    @Test func theCallerDirectsTheCachePerRequest() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let body = Self.chat("Shipping times? [[sim:tokens=5]]")
            let onlyCached = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-tollgate-cache", "only-if-cached")])
            #expect(onlyCached.status == 504)
            #expect((try onlyCached.object()["error"] as? [String: Any])?["code"] as? String == "cache_miss")
            #expect(try await h.simulator.recordedRequests().isEmpty)

            let noStore = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-tollgate-cache", "no-store")])
            #expect(noStore.headers["x-tollgate-cache"] == "bypass")
            let first = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(first.headers["x-tollgate-cache"] == "miss")
            let refreshed = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-tollgate-cache", "Refresh")])
            #expect(refreshed.headers["x-tollgate-cache"] == "miss")
            let hit = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-tollgate-cache", "only-if-cached")])
            #expect(hit.headers["x-tollgate-cache"] == "hit")
            #expect(hit.headers["x-tollgate-cache-source"] == refreshed.headers["x-tollgate-request-id"])
            #expect(try await h.simulator.recordedRequests().count == 3)

            let bad = try await h.gateway.send(
                .post, "/v1/messages", json: #"{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"x"}]}"#,
                headers: [("x-tollgate-cache", "sometimes"), ("anthropic-version", "2023-06-01")])
            #expect(bad.status == 400)
            let error = try #require(try bad.object()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error" && (error["message"] as? String)?.contains("only-if-cached") == true)
            #expect(try await h.simulator.recordedRequests().count == 3)
        }
    }

    @Test func answersAreServedUntilTheirTTLAndNeverAfter() async throws {
        let clock = MovableClock()
        try await GatewayHarness.run(extraConfiguration: Self.levers, clock: clock.wallClock) { h in
            let body = Self.chat("Store hours? [[sim:tokens=3]]")
            let headers = [("x-tollgate-workflow", "short-lived")]
            let first = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: headers)
            clock.advance(by: 10 * 60_000 - 1)
            let second = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: headers)
            #expect(first.headers["x-tollgate-cache"] == "miss" && second.headers["x-tollgate-cache"] == "hit")
            #expect(second.headers["age"] == "599")
            clock.advance(by: 1)
            let third = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: headers)
            #expect(third.headers["x-tollgate-cache"] == "miss")
            #expect(try await h.simulator.recordedRequests().count == 2)
        }
    }

    @Test func errorsAndToolCallsAreNotStoredUnlessTheRuleAllowsToolCalls() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let failing = Self.chat("Flaky question [[sim:fault=server_error]]")
            for _ in 0..<2 {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: failing)
                #expect(response.status == 500 && response.headers["x-tollgate-cache"] == "miss")
            }
            let forwarded = try await h.simulator.recordedRequests().count
            let tools = #","temperature":0,"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]"#
            let toolCall = Self.chat("Find order 42 [[sim:tokens=4]]", extra: tools)
            for _ in 0..<2 {
                let response = try await h.gateway.send(.post, "/v1/chat/completions", json: toolCall)
                #expect(response.headers["x-tollgate-cache"] == "miss")
            }
            let allowed = [("x-tollgate-workflow", "tool-runner")]
            let stored = try await h.gateway.send(.post, "/v1/chat/completions", json: toolCall, headers: allowed)
            let replayed = try await h.gateway.send(.post, "/v1/chat/completions", json: toolCall, headers: allowed)
            #expect(stored.headers["x-tollgate-cache"] == "miss" && replayed.headers["x-tollgate-cache"] == "hit")
            #expect(replayed.body.contains("tool_calls"))
            #expect(try await h.simulator.recordedRequests().count == forwarded + 3)
        }
    }
}

/// A wall clock the test moves by hand, starting at the real time.
final class MovableClock: Sendable {
    private let nowMs = Mutex(Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)))

    /// The clock as the gateway reads it.
    var wallClock: WallClock { WallClock { self.nowMs.withLock { $0 } } }

    /// Moves the clock forward.
    func advance(by milliseconds: Int64) { nowMs.withLock { $0 += milliseconds } }
}
