import Testing
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorModelsTests {
    @Test func oneModelInTheOpenAIShape() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.get, "/v1/models/gpt-4o-mini")
            #expect(response.status == 200)
            let model = try response.object()
            #expect(model["id"] as? String == "gpt-4o-mini")
            #expect(model["object"] as? String == "model")
            #expect(model["created"] is Int)
            #expect(model["owned_by"] is String)
            #expect(Set(model.keys) == ["id", "object", "created", "owned_by"])
        }
    }

    @Test func oneModelInTheAnthropicShape() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.get, "/v1/models/claude-sonnet-4-5", headers: [("anthropic-version", "2023-06-01")])
            #expect(response.status == 200)
            let model = try response.object()
            #expect(model["type"] as? String == "model")
            #expect(model["id"] as? String == "claude-sonnet-4-5")
            #expect(model["display_name"] as? String == "Claude Sonnet 4 5")
            #expect(model["created_at"] as? String == "2025-09-29T00:00:00Z")
            #expect(Set(model.keys) == ["type", "id", "display_name", "created_at"])
        }
    }

    @Test func unknownModelsAre404InTheDialectsErrorShape() async throws {
        try await SimulatorHarness.run { sim in
            let openAI = try await sim.send(.get, "/v1/models/no-such-model")
            #expect(openAI.status == 404)
            let error = try #require(try openAI.object()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["code"] as? String == "model_not_found")
            #expect((error["message"] as? String)?.contains("no-such-model") == true)

            let anthropic = try await sim.send(.get, "/v1/models/claude-nope", headers: [("anthropic-version", "2023-06-01")])
            #expect(anthropic.status == 404)
            let object = try anthropic.object()
            #expect(object["type"] as? String == "error")
            #expect((object["error"] as? [String: Any])?["type"] as? String == "not_found_error")

            // Each dialect lists its own models.
            #expect(try await sim.send(.get, "/v1/models/claude-sonnet-4-5").status == 404)
            #expect(try await sim.send(.post, "/v1/models/gpt-4o", json: "{}").status == 405)
        }
    }

    @Test func countTokensAgreesWithTheMessagesInput() async throws {
        try await SimulatorHarness.run { sim in
            let system = String(repeating: "wxyz", count: 300)
            let body = """
                {"model":"claude-sonnet-4-5","max_tokens":64,
                 "system":[{"type":"text","text":"\(system)","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"abcdefghij"}]},
                             {"role":"assistant","content":"ok"},{"role":"user","content":"again"}]}
                """
            let count = try await sim.send(.post, "/v1/messages/count_tokens", json: body)
            #expect(count.status == 200)
            let counted = try #require(try count.object()["input_tokens"] as? Int)
            #expect(try count.object().keys.sorted() == ["input_tokens"])
            for _ in 0..<2 {
                // The first call writes the cache, the second reads it: the total input is the same.
                let message = try await sim.send(.post, "/v1/messages", json: body)
                let usage = try #require(try message.object()["usage"] as? [String: Any])
                let input = try #require(usage["input_tokens"] as? Int)
                let written = try #require(usage["cache_creation_input_tokens"] as? Int)
                let read = try #require(usage["cache_read_input_tokens"] as? Int)
                #expect(input + written + read == counted)
            }
            #expect(counted == 300 + 3 + 1 + 2)
        }
    }
}
