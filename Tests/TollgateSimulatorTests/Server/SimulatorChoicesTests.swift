import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorChoicesTests {
    @Test func nonStreamingAnswersCarryNChoicesAndSummedUsage() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Hello there", extra: ",\"n\":3"))
            #expect(response.status == 200)
            let object = try response.object()
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2])
            var texts: [String] = []
            var tokens: Int64 = 0
            for choice in choices {
                #expect(choice["finish_reason"] as? String == "stop")
                let text = try #require((choice["message"] as? [String: Any])?["content"] as? String)
                texts.append(text)
                tokens += TokenEstimator.tokens(in: text)
            }
            #expect(Set(texts).count == 3)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == Int(tokens))
            #expect(usage["prompt_tokens"] as? Int == 6)
            #expect(usage["total_tokens"] as? Int == 6 + Int(tokens))
            let log = try #require(try await sim.recordedRequests().last)
            #expect(log["output_tokens"] as? Int == Int(tokens))

            let single = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Hello there"))
            let first = (try single.object()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            #expect(first?["content"] as? String == texts[0])
        }
    }

    @Test func streamingEmitsEveryChoiceAndTheUsageChunkSumsThem() async throws {
        try await SimulatorHarness.run { sim in
            let extra = ",\"n\":2,\"stream\":true,\"stream_options\":{\"include_usage\":true}"
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Hello there", extra: extra))
            #expect(response.status == 200)
            let events = response.events
            #expect(events.last == "data: [DONE]")
            var texts = ["", ""]
            var finishes: [Int: String] = [:]
            var roles = 0
            var usage: [String: Any]?
            for event in events.dropLast() {
                let chunk = try SimulatorTestResponse.data(of: event)
                let choices = try #require(chunk["choices"] as? [[String: Any]])
                if choices.isEmpty { usage = chunk["usage"] as? [String: Any] }
                for choice in choices {
                    let index = try #require(choice["index"] as? Int)
                    let delta = try #require(choice["delta"] as? [String: Any])
                    if delta["role"] != nil { roles += 1 }
                    texts[index] += delta["content"] as? String ?? ""
                    if let finish = choice["finish_reason"] as? String { finishes[index] = finish }
                }
            }
            #expect(roles == 2)
            #expect(finishes == [0: "stop", 1: "stop"])
            #expect(texts[0] != texts[1])
            let tokens = texts.map { TokenEstimator.tokens(in: $0) }.reduce(0, +)
            let summed = try #require(usage)
            #expect(summed["completion_tokens"] as? Int == Int(tokens))
            #expect(summed["total_tokens"] as? Int == 6 + Int(tokens))

            let plain = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Hello there", extra: ",\"n\":2"))
            let contents = (try plain.object()["choices"] as? [[String: Any]])?.map { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(contents == texts)
        }
    }

    @Test func nOutOfRangeIs400() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("x", extra: ",\"n\":129"))
            #expect(response.status == 400)
            #expect((try response.object()["error"] as? [String: Any])?["param"] as? String == "n")
        }
    }
}
