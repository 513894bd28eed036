import Foundation
import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorResponsesTests {
    static func body(_ input: String, extra: String = "", model: String = "gpt-4o") -> String {
        "{\"model\":\"\(model)\",\"instructions\":\"Be brief.\",\"input\":\(input)\(extra)}"
    }

    @Test func nonStreamingResponseHasTheSDKsShapeAndUsage() async throws {
        try await SimulatorHarness.run { sim in
            // "Be brief." (3 tokens) + "Hello there" (3 tokens)
            let response = try await sim.send(.post, "/v1/responses", json: Self.body("\"Hello there\""))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["x-request-id"]?.hasPrefix("req_sim") == true)
            let object = try response.object()
            #expect((object["id"] as? String)?.hasPrefix("resp_") == true)
            #expect(object["object"] as? String == "response")
            #expect(object["created_at"] is Int)
            #expect(object["status"] as? String == "completed")
            #expect(object["model"] as? String == "gpt-4o")
            #expect(object["instructions"] as? String == "Be brief.")
            #expect(object["tools"] as? [Any] != nil)
            #expect(object["parallel_tool_calls"] as? Bool == true)
            let item = try #require((object["output"] as? [[String: Any]])?.first)
            #expect(item["type"] as? String == "message")
            #expect((item["id"] as? String)?.hasPrefix("msg_") == true)
            #expect(item["status"] as? String == "completed")
            #expect(item["role"] as? String == "assistant")
            let part = try #require((item["content"] as? [[String: Any]])?.first)
            #expect(part["type"] as? String == "output_text")
            #expect((part["annotations"] as? [Any])?.isEmpty == true)
            let text = try #require(part["text"] as? String)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(usage["input_tokens"] as? Int == 6)
            #expect((usage["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 0)
            #expect((usage["input_tokens_details"] as? [String: Any])?["cache_write_tokens"] as? Int == 0)
            #expect(Int64(try #require(usage["output_tokens"] as? Int)) == TokenEstimator.tokens(in: text))
            #expect((usage["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 0)
            #expect(usage["total_tokens"] as? Int == 6 + (usage["output_tokens"] as? Int ?? -1))

            let log = try #require(try await sim.recordedRequests().last)
            #expect(log["path"] as? String == "/v1/responses")
            #expect(log["input_tokens"] as? Int == 6)
        }
    }

    @Test func streamingEventsComeInTheRealOrderWithSequenceNumbers() async throws {
        try await SimulatorHarness.run { sim in
            let input = "[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"[[sim:tokens=5]]\"}]}]"
            let response = try await sim.send(.post, "/v1/responses", json: Self.body(input, extra: ",\"stream\":true"))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            #expect(!response.body.contains("[DONE]"))
            let events = response.events
            var names: [String] = []
            var deltas = ""
            for (position, event) in events.enumerated() {
                let name = try #require(event.split(separator: "\n").first.map { String($0.dropFirst("event: ".count)) })
                let data = try SimulatorTestResponse.data(of: event)
                #expect(data["type"] as? String == name)
                #expect(data["sequence_number"] as? Int == position)
                if name == "response.output_text.delta" { deltas += try #require(data["delta"] as? String) }
                names.append(name)
            }
            let head = ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
            let tail = ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]
            #expect(names == head + Array(repeating: "response.output_text.delta", count: 5) + tail)
            #expect(TokenEstimator.tokens(in: deltas) == 5)

            let created = try #require(try SimulatorTestResponse.data(of: events[0])["response"] as? [String: Any])
            #expect(created["status"] as? String == "in_progress")
            #expect(created["usage"] is NSNull)
            let done = try SimulatorTestResponse.data(of: events[events.count - 4])
            #expect(done["text"] as? String == deltas)
            let completed = try #require(try SimulatorTestResponse.data(of: events[events.count - 1])["response"] as? [String: Any])
            #expect(completed["status"] as? String == "completed")
            let usage = try #require(completed["usage"] as? [String: Any])
            #expect(usage["input_tokens"] as? Int == 3 + 4)
            #expect(usage["output_tokens"] as? Int == 5)
            #expect(usage["total_tokens"] as? Int == 12)
            let item = try #require((completed["output"] as? [[String: Any]])?.first)
            #expect(((item["content"] as? [[String: Any]])?.first)?["text"] as? String == deltas)
        }
    }

    @Test func cachedAndReasoningTokensAreReported() async throws {
        try await SimulatorHarness.run { sim in
            let long = String(repeating: "abcd", count: 1500)
            let body = "{\"model\":\"o4-mini\",\"instructions\":\"\(long)\",\"input\":\"[[sim:tokens=20]]\"}"
            let first = try await sim.send(.post, "/v1/responses", json: body)
            let second = try await sim.send(.post, "/v1/responses", json: body)
            func usage(_ response: SimulatorTestResponse) throws -> [String: Any] {
                try #require(try response.object()["usage"] as? [String: Any])
            }
            #expect((try usage(first)["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 0)
            #expect((try usage(second)["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 1408)
            #expect(try usage(second)["input_tokens"] as? Int == 1500 + 5)
            #expect((try usage(second)["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 5)
            #expect(try usage(second)["output_tokens"] as? Int == 20)
        }
    }

    @Test func aCappedAnswerIsIncomplete() async throws {
        try await SimulatorHarness.run { sim in
            let extra = ",\"max_output_tokens\":3"
            let plain = try await sim.send(.post, "/v1/responses", json: Self.body("\"[[sim:tokens=9]]\"", extra: extra))
            #expect(try plain.object()["status"] as? String == "incomplete")
            #expect((try plain.object()["usage"] as? [String: Any])?["output_tokens"] as? Int == 3)
            let streamed = try await sim.send(.post, "/v1/responses", json: Self.body("\"[[sim:tokens=9]]\"", extra: extra + ",\"stream\":true"))
            #expect(streamed.events.last?.hasPrefix("event: response.incomplete\n") == true)
        }
    }

    @Test func badInputAndFaultsUseTheOpenAIShape() async throws {
        try await SimulatorHarness.run { sim in
            let missing = try await sim.send(.post, "/v1/responses", json: "{\"model\":\"gpt-4o\"}")
            #expect(missing.status == 400)
            #expect((try missing.object()["error"] as? [String: Any])?["param"] as? String == "input")
            let limited = try await sim.send(.post, "/v1/responses", json: Self.body("\"x\""), headers: [("x-sim-fault", "rate_limit")])
            #expect(limited.status == 429)
            #expect((try limited.object()["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            let streaming = Self.body("\"[[sim:tokens=6]]\"", extra: ",\"stream\":true")
            let broken = try await sim.send(.post, "/v1/responses", json: streaming, headers: [("x-sim-fault", "stream_error")])
            let last = try #require(broken.events.last)
            #expect(last.hasPrefix("event: error\n"))
            #expect(try SimulatorTestResponse.data(of: last)["sequence_number"] as? Int == broken.events.count - 1)
        }
    }
}
