import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorChatTests {
    @Test func nonStreamingChatIsDeterministicWithFullUsage() async throws {
        try await SimulatorHarness.run { sim in
            // Given: "Be brief." (9 bytes → 3 tokens) + "Hello there" (11 bytes → 3 tokens)
            let body = SimulatorBodies.chat("Hello there")
            // When
            let first = try await sim.send(.post, "/v1/chat/completions", json: body)
            let second = try await sim.send(.post, "/v1/chat/completions", json: body)
            // Then
            #expect(first.status == 200)
            #expect(first.headers["content-type"] == "application/json")
            #expect(first.headers["x-request-id"]?.hasPrefix("req_sim") == true)
            let object = try first.object()
            #expect((object["id"] as? String)?.hasPrefix("chatcmpl-sim") == true)
            #expect(object["object"] as? String == "chat.completion")
            #expect(object["model"] as? String == "gpt-4o-mini")
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            let content = try #require(message["content"] as? String)
            #expect(message["role"] as? String == "assistant")
            #expect(choice["finish_reason"] as? String == "stop")
            let usage = try #require(object["usage"] as? [String: Any])
            let completionTokens = try #require(usage["completion_tokens"] as? Int)
            #expect(usage["prompt_tokens"] as? Int == 6)
            #expect(Int64(completionTokens) == TokenEstimator.tokens(in: content))
            #expect(usage["total_tokens"] as? Int == 6 + completionTokens)
            #expect((usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 0)
            #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 0)
            let again = try #require((try second.object()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
            #expect(again["content"] as? String == content)
        }
    }

    @Test func streamingChatFramingWithUsageChunk() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("[[sim:tokens=5]]", extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}")
            let response = try await sim.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            #expect(response.body.hasSuffix("\n\ndata: [DONE]\n\n"))
            let events = response.events
            #expect(events.allSatisfy { $0.hasPrefix("data: ") && !$0.contains("\n") })
            // role, 5 tokens, finish, usage, [DONE]
            #expect(events.count == 9)
            let role = try SimulatorTestResponse.data(of: events[0])
            let roleDelta = (role["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
            #expect(roleDelta?["role"] as? String == "assistant")
            var text = ""
            for event in events[1...5] {
                let chunk = try SimulatorTestResponse.data(of: event)
                let delta = try #require((chunk["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])
                text += try #require(delta["content"] as? String)
            }
            #expect(TokenEstimator.tokens(in: text) == 5)
            let finish = try SimulatorTestResponse.data(of: events[6])
            #expect((finish["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "stop")
            let usageChunk = try SimulatorTestResponse.data(of: events[7])
            #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
            let usage = try #require(usageChunk["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 5)
            #expect(usage["prompt_tokens"] as? Int == 3 + 4)
            #expect(events[8] == "data: [DONE]")
        }
    }

    @Test func streamingChatWithoutIncludeUsageHasNoUsageChunk() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("[[sim:tokens=3]]", extra: ",\"stream\":true,\"max_tokens\":2")
            let response = try await sim.send(.post, "/v1/chat/completions", json: body)
            let events = response.events
            #expect(events.count == 5)
            #expect(!response.body.contains("\"usage\""))
            #expect(!response.body.contains("\"choices\":[]"))
            let finish = try SimulatorTestResponse.data(of: events[3])
            #expect((finish["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "length")
            #expect(events.last == "data: [DONE]")
        }
    }

    @Test func streamsArriveEventByEventWithLatency() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("[[sim:tokens=10]]", extra: ",\"stream\":true")
            let response = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: body,
                headers: [("x-sim-ttft-ms", "150"), ("x-sim-token-ms", "30")]
            )
            #expect(response.headAt >= .milliseconds(140))
            let first = try #require(response.chunks.first)
            let last = try #require(response.chunks.last)
            #expect(response.chunks.count >= 5)
            #expect(last.at - first.at >= .milliseconds(200))
            #expect(response.events.count == 13)
        }
    }

    @Test func configuredLatencyAppliesToNonStreamingTotal() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(timeToFirstToken: .milliseconds(50), perTokenLatency: .milliseconds(10))) { sim in
            let start = ContinuousClock.now
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("[[sim:tokens=10]]"))
            #expect(response.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
        }
    }

    @Test func repeatedLongPrefixReportsCachedTokens() async throws {
        try await SimulatorHarness.run { sim in
            let system = String(repeating: "abcd", count: 1500)
            let body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"\(system)\"},{\"role\":\"user\",\"content\":\"hi\"}]}"
            let first = try await sim.send(.post, "/v1/chat/completions", json: body)
            let second = try await sim.send(.post, "/v1/chat/completions", json: body)
            func cached(_ response: SimulatorTestResponse) throws -> Int? {
                let usage = try response.object()["usage"] as? [String: Any]
                return (usage?["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int
            }
            #expect(try cached(first) == 0)
            #expect(try cached(second) == 1408)
            #expect((try second.object()["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 1501)
        }
    }

    @Test func reasoningModelReportsReasoningTokens() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("[[sim:tokens=20]]", model: "o3-mini"))
            let usage = try #require(try response.object()["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 20)
            #expect((usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 5)
        }
    }

    @Test(arguments: [
        ("/v1/chat/completions", "{\"model\":", "invalid_request_error"),
        ("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "invalid_request_error"),
        ("/v1/messages", "{\"model\":\"claude\"}", "invalid_request_error"),
        ("/v1/embeddings", "{\"model\":\"m\"}", "invalid_request_error"),
    ])
    func badInputIs400InTheRoutesDialect(path: String, body: String, type: String) async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, path, json: body)
            #expect(response.status == 400)
            let object = try response.object()
            let error = try #require(object["error"] as? [String: Any])
            #expect(error["type"] as? String == type)
            #expect(error["message"] is String)
            if path == "/v1/messages" {
                #expect(object["type"] as? String == "error")
            } else {
                #expect(error.keys.contains("param"))
            }
        }
    }

    @Test func unknownRouteIs404AndHealthIsOK() async throws {
        try await SimulatorHarness.run { sim in
            let health = try await sim.send(.get, "/healthz")
            let unknown = try await sim.send(.post, "/v1/completions", json: "{}")
            let wrongMethod = try await sim.send(.get, "/v1/chat/completions")
            #expect(health.status == 200)
            #expect(unknown.status == 404)
            #expect((try unknown.object()["error"] as? [String: Any])?["code"] as? String == "unknown_url")
            #expect(wrongMethod.status == 405)
        }
    }
}
