import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorMessagesTests {
    @Test func nonStreamingMessageWithPromptCaching() async throws {
        try await SimulatorHarness.run { sim in
            let system = String(repeating: "wxyz", count: 200)
            let body = """
                {"model":"claude-sonnet-4-5","max_tokens":512,
                 "system":[{"type":"text","text":"\(system)","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"abcdefgh"}]}
                """
            let headers = [("x-api-key", "sk-ant-test"), ("anthropic-version", "2023-06-01")]
            let first = try await sim.send(.post, "/v1/messages", json: body, headers: headers)
            #expect(first.status == 200)
            #expect(first.headers["request-id"]?.hasPrefix("req_sim") == true)
            let message = try first.object()
            #expect((message["id"] as? String)?.hasPrefix("msg_sim") == true)
            #expect(message["type"] as? String == "message")
            #expect(message["role"] as? String == "assistant")
            #expect(message["stop_reason"] as? String == "end_turn")
            let block = try #require((message["content"] as? [[String: Any]])?.first)
            #expect(block["type"] as? String == "text")
            let usage = try #require(message["usage"] as? [String: Any])
            #expect(usage["input_tokens"] as? Int == 2)
            #expect(usage["cache_creation_input_tokens"] as? Int == 200)
            #expect(usage["cache_read_input_tokens"] as? Int == 0)
            #expect((usage["cache_creation"] as? [String: Any])?["ephemeral_5m_input_tokens"] as? Int == 200)
            #expect(Int64(try #require(usage["output_tokens"] as? Int)) == TokenEstimator.tokens(in: try #require(block["text"] as? String)))

            let second = try await sim.send(.post, "/v1/messages", json: body, headers: headers)
            let again = try #require(try second.object()["usage"] as? [String: Any])
            #expect(again["cache_read_input_tokens"] as? Int == 200)
            #expect(again["cache_creation_input_tokens"] as? Int == 0)
            #expect(again["input_tokens"] as? Int == 2)
        }
    }

    @Test func streamingMessageEventOrder() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(
                .post,
                "/v1/messages",
                json: SimulatorBodies.messages("[[sim:tokens=4]]", extra: ",\"stream\":true"),
                headers: [("authorization", "Bearer sk-ant"), ("anthropic-version", "2026-10-21")]
            )
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            let events = response.events
            let names = events.map { $0.split(separator: "\n").first.map(String.init) ?? "" }
            #expect(
                names == [
                    "event: message_start", "event: content_block_start", "event: ping",
                    "event: content_block_delta", "event: content_block_delta", "event: content_block_delta", "event: content_block_delta",
                    "event: content_block_stop", "event: message_delta", "event: message_stop",
                ]
            )
            let start = try SimulatorTestResponse.data(of: events[0])
            let startUsage = try #require((start["message"] as? [String: Any])?["usage"] as? [String: Any])
            #expect(startUsage["output_tokens"] as? Int == 1)
            #expect(startUsage["input_tokens"] as? Int == 4)
            #expect(events[2] == "event: ping\ndata: {\"type\": \"ping\"}")
            let delta = try SimulatorTestResponse.data(of: events[8])
            let usage = try #require(delta["usage"] as? [String: Any])
            #expect(usage["output_tokens"] as? Int == 4)
            #expect(usage["input_tokens"] as? Int == 4)
            #expect(usage["cache_read_input_tokens"] as? Int == 0)
            #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        }
    }

    @Test func countTokensAndModelListShapes() async throws {
        try await SimulatorHarness.run { sim in
            let count = try await sim.send(.post, "/v1/messages/count_tokens", json: SimulatorBodies.messages("abcdefghi"))
            #expect(try count.object()["input_tokens"] as? Int == 3)

            let openAI = try await sim.send(.get, "/v1/models")
            #expect(try openAI.object()["object"] as? String == "list")
            let first = try #require((try openAI.object()["data"] as? [[String: Any]])?.first)
            #expect(first["object"] as? String == "model")
            #expect(first["owned_by"] is String)
            #expect(first["created"] is Int)

            let anthropic = try await sim.send(.get, "/v1/models", headers: [("anthropic-version", "2023-06-01")])
            let list = try anthropic.object()
            #expect(list["has_more"] as? Bool == false)
            #expect(list["first_id"] is String)
            #expect(list["last_id"] is String)
            let model = try #require((list["data"] as? [[String: Any]])?.first)
            #expect(model["type"] as? String == "model")
            #expect(model["display_name"] is String)
            #expect(model["created_at"] is String)
        }
    }
}
