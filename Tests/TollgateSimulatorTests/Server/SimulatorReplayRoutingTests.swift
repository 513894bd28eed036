import Foundation
import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

/// Which requests the replaying simulator answers from recordings, and how it refuses the rest.
@Suite struct SimulatorReplayRoutingTests {
    @Test func anUnknownPromptIsA404InTheRoutesDialect() async throws {
        try await SimulatorHarness.run(try SimulatorReplayTests.configuration()) { sim in
            let chat = try await sim.send(
                .post, "/v1/chat/completions", json: SimulatorReplayTests.chat("Never recorded.", model: "gpt-4-1106-preview"))
            #expect(chat.status == 404)
            let error = try #require(try chat.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "recording_not_found")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect((error["message"] as? String)?.contains("gpt-4-1106-preview") == true)

            let messages = try await sim.send(
                .post, "/v1/messages", json: SimulatorReplayTests.messages("Never recorded.", model: "claude-instant-v1"),
                headers: SimulatorReplayTests.anthropicHeaders)
            #expect(messages.status == 404)
            let body = try messages.object()
            #expect(body["type"] as? String == "error")
            #expect((body["error"] as? [String: Any])?["type"] as? String == "not_found_error")
            #expect(try await sim.recordedRequests().map { $0["status"] as? Int } == [404, 404])
        }
    }

    @Test func aModelThatIsNotRecordedIsStillSynthesised() async throws {
        let (prompt, _) = try SimulatorReplayTests.codePrompt()
        try await SimulatorHarness.run(try SimulatorReplayTests.configuration()) { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorReplayTests.chat(prompt.text, model: "gpt-4o-mini"))
            #expect(response.status == 200)
            #expect(response.headers["x-sim-recorded-correct"] == nil)
            let object = try response.object()
            let content = try #require(((object["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(Int64(try #require(usage["completion_tokens"] as? Int)) == TokenEstimator.tokens(in: content))
            #expect(content.utf8.count % 4 == 0)
            let logged = try await sim.recordedRequests().last
            #expect(logged?["recorded_sample_id"] is NSNull)
        }
    }

    @Test func withoutRecordingsEveryModelIsSynthesised() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorReplayTests.chat("Never recorded.", model: "claude-v2"))
            #expect(response.status == 200)
            #expect(response.headers["x-sim-recorded-correct"] == nil)
        }
    }

    @Test func theResponsesRouteReplaysToo() async throws {
        let (prompt, answer) = try SimulatorReplayTests.codePrompt(model: "gpt-4-1106-preview")
        try await SimulatorHarness.run(try SimulatorReplayTests.configuration()) { sim in
            let body = "{\"model\":\"gpt-4-1106-preview\",\"input\":\(JSONText.quote(prompt.text))}"
            let response = try await sim.send(.post, "/v1/responses", json: body)
            #expect(response.status == 200)
            let output = try #require((try response.object()["output"] as? [[String: Any]])?.first)
            let part = try #require((output["content"] as? [[String: Any]])?.first)
            #expect(part["text"] as? String == answer.response)
            let usage = try #require(try response.object()["usage"] as? [String: Any])
            let cost = try SimulatorReplayTests.cost(usage, model: "gpt-4-1106-preview", input: "input_tokens", output: "output_tokens")
            #expect(cost == answer.costNanoUSD)
        }
    }

    @Test func faultsStillApplyToRecordedModels() async throws {
        let (prompt, _) = try SimulatorReplayTests.codePrompt()
        try await SimulatorHarness.run(try SimulatorReplayTests.configuration()) { sim in
            let response = try await sim.send(
                .post, "/v1/chat/completions", json: SimulatorReplayTests.chat(prompt.text, model: "mixtral-8x7b-chat"),
                headers: [("x-sim-fault", "rate_limit")])
            #expect(response.status == 429)
        }
    }

    @Test func theSpacedStyleEscapesReplayedTextAsPythonDoes() async throws {
        var set = RecordingSet()
        set.add(
            RecordedPrompt(
                sampleID: "u1", text: "Say café",
                answers: ["m": RecordedAnswer(model: "m", response: "café \"ok\"\n", score: 1, costUSD: 0.000001)]))
        try await SimulatorHarness.run(SimulatorConfiguration(jsonStyle: .spaced, replay: set)) { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorReplayTests.chat("Say café", model: "m"))
            #expect(response.status == 200)
            #expect(response.body.contains(#""content": "caf\u00e9 \"ok\"\n""#))
            #expect(response.headers["x-sim-recorded-correct"] == "1")
        }
    }
}
