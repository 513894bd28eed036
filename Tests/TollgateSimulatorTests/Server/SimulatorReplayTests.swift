import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

/// The simulator answering with recorded RouterBench answers, over HTTP.
@Suite struct SimulatorReplayTests {
    static let mixtral = "mistralai/mixtral-8x7b-chat"
    static let anthropicHeaders = [("x-api-key", "sk-ant-test"), ("anthropic-version", "2023-06-01")]

    /// A configuration replaying all three files.
    static func configuration() throws -> SimulatorConfiguration {
        SimulatorConfiguration(replay: try RouterBenchFixture.all.get())
    }

    /// An MBPP prompt whose recorded answer by `model` holds quotes and line breaks (code).
    static func codePrompt(model: String = mixtral) throws -> (RecordedPrompt, RecordedAnswer) {
        let set = try RouterBenchFixture.set("mbpp_train.csv")
        let prompt = try #require(
            set.prompts.first { prompt in
                let response = prompt.answers[model]?.response ?? ""
                return response.contains("\"") && response.contains("\n") && response.contains("\\")
            })
        return (prompt, try #require(prompt.answers[model]))
    }

    /// The nano-USD the gateway would charge for `usage` at the table's price of `model`.
    static func cost(_ usage: [String: Any], model: String, input: String, output: String) throws -> Int64 {
        let price = try #require(ReplayPrice.routerBench(model: model))
        let tokens = TokenUsage(
            inputUncached: Int64(try #require(usage[input] as? Int)), output: Int64(try #require(usage[output] as? Int)))
        return try price.modelPrice.cost(of: tokens).totalNanoUSD
    }

    static func chat(_ text: String, model: String, extra: String = "") -> String {
        "{\"model\":\(JSONText.quote(model)),\"messages\":[{\"role\":\"system\",\"content\":\"Answer.\"},"
            + "{\"role\":\"user\",\"content\":\(JSONText.quote(text))}]\(extra)}"
    }

    static func messages(_ text: String, model: String, extra: String = "") -> String {
        "{\"model\":\(JSONText.quote(model)),\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\(JSONText.quote(text))}]\(extra)}"
    }

    @Test func chatReplaysTheRecordedAnswerWithItsCost() async throws {
        let (prompt, answer) = try Self.codePrompt()
        try await SimulatorHarness.run(try Self.configuration()) { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: Self.chat(prompt.text, model: "mixtral-8x7b-chat"))
            #expect(response.status == 200)
            #expect(response.headers["x-sim-recorded-correct"] == answer.correctnessLabel)
            #expect(response.headers["x-sim-recorded-sample-id"] == prompt.sampleID)
            #expect(response.headers["x-sim-recorded-cost-usd"] == Money.format(nanoUSD: try #require(answer.costNanoUSD)))
            let object = try response.object()
            #expect(object["model"] as? String == "mixtral-8x7b-chat")
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect(choices.count == 1)
            #expect((choices[0]["message"] as? [String: Any])?["content"] as? String == answer.response)
            #expect(choices[0]["finish_reason"] as? String == "stop")
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(try Self.cost(usage, model: Self.mixtral, input: "prompt_tokens", output: "completion_tokens") == answer.costNanoUSD)
            let estimate = TokenEstimator.tokens(in: "Answer.") + TokenEstimator.tokens(in: prompt.text)
            #expect(abs(Int64(try #require(usage["prompt_tokens"] as? Int)) - estimate) <= 2)
            let logged = try await sim.recordedRequests().last
            #expect(logged?["input_tokens"] as? Int == usage["prompt_tokens"] as? Int)
            #expect(logged?["output_tokens"] as? Int == usage["completion_tokens"] as? Int)
            #expect(logged?["recorded_sample_id"] as? String == prompt.sampleID)
            #expect(logged?["recorded_correct"] as? String == answer.correctnessLabel)
        }
    }

    @Test func chatStreamsTheRecordedAnswer() async throws {
        let (prompt, answer) = try Self.codePrompt()
        try await SimulatorHarness.run(try Self.configuration()) { sim in
            let extra = ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"
            let body = Self.chat(prompt.text, model: Self.mixtral, extra: extra)
            let response = try await sim.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")
            #expect(response.headers["x-sim-recorded-correct"] == answer.correctnessLabel)
            let events = response.events
            #expect(events.last == "data: [DONE]")
            var text = ""
            for event in events.dropFirst().dropLast(3) {
                let delta = try SimulatorTestResponse.data(of: event)["choices"] as? [[String: Any]]
                text += try #require(delta?.first?["delta"] as? [String: Any])["content"] as? String ?? ""
            }
            #expect(text == answer.response)
            #expect(events.count == 1 + (answer.response.utf8.count + 3) / 4 + 3)
            let usage = try #require(try SimulatorTestResponse.data(of: events[events.count - 2])["usage"] as? [String: Any])
            #expect(try Self.cost(usage, model: Self.mixtral, input: "prompt_tokens", output: "completion_tokens") == answer.costNanoUSD)
        }
    }

    @Test func messagesReplayTheRecordedAnswerStreamedOrNot() async throws {
        let (prompt, answer) = try Self.codePrompt(model: "claude-v2")
        try await SimulatorHarness.run(try Self.configuration()) { sim in
            let plain = try await sim.send(
                .post, "/v1/messages", json: Self.messages(prompt.text, model: "claude-v2"), headers: Self.anthropicHeaders)
            #expect(plain.status == 200)
            #expect(plain.headers["x-sim-recorded-correct"] == answer.correctnessLabel)
            let message = try plain.object()
            #expect((message["content"] as? [[String: Any]])?.first?["text"] as? String == answer.response)
            #expect(message["stop_reason"] as? String == "end_turn")
            let usage = try #require(message["usage"] as? [String: Any])
            #expect(try Self.cost(usage, model: "claude-v2", input: "input_tokens", output: "output_tokens") == answer.costNanoUSD)

            let body = Self.messages(prompt.text, model: "claude-v2", extra: ",\"stream\":true")
            let streamed = try await sim.send(.post, "/v1/messages", json: body, headers: Self.anthropicHeaders)
            #expect(streamed.status == 200)
            var text = ""
            var final: [String: Any] = [:]
            for event in streamed.events {
                let data = try SimulatorTestResponse.data(of: event)
                if data["type"] as? String == "content_block_delta" {
                    text += try #require((data["delta"] as? [String: Any])?["text"] as? String)
                }
                if data["type"] as? String == "message_delta" { final = try #require(data["usage"] as? [String: Any]) }
            }
            #expect(text == answer.response)
            #expect(final["output_tokens"] as? Int == usage["output_tokens"] as? Int)
            #expect(final["input_tokens"] as? Int == usage["input_tokens"] as? Int)
        }
    }

    @Test func theSampleIDHeaderNamesTheRow() async throws {
        let arc = try RouterBenchFixture.set("arc_challenge_train.csv")
        let duplicate = try #require(arc.duplicates.first)
        let kept = try #require(arc.prompt(sampleID: duplicate.sampleID))
        try await SimulatorHarness.run(try Self.configuration()) { sim in
            let headers = [("x-sim-sample-id", duplicate.sampleID)]
            let response = try await sim.send(
                .post, "/v1/chat/completions", json: Self.chat("any text", model: "gpt-3.5-turbo-1106"), headers: headers)
            #expect(response.status == 200)
            #expect(response.headers["x-sim-recorded-sample-id"] == duplicate.sampleID)
            let answer = try #require(kept.answers["gpt-3.5-turbo-1106"])
            #expect(response.headers["x-sim-recorded-correct"] == answer.correctnessLabel)
            #expect(response.headers["x-sim-recorded-cost-usd"] == Money.format(nanoUSD: try #require(answer.costNanoUSD)))

            let unknown = try await sim.send(
                .post, "/v1/chat/completions", json: Self.chat("any text", model: "gpt-3.5-turbo-1106"),
                headers: [("x-sim-sample-id", "no-such-row")])
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("no-such-row"))
        }
    }

    @Test func anUnlabelledAnswerSaysSo() async throws {
        let arc = try RouterBenchFixture.set("arc_challenge_train.csv")
        let prompt = try #require(arc.prompts.first { $0.answers["claude-v2"]?.score == nil })
        try await SimulatorHarness.run(try Self.configuration()) { sim in
            let response = try await sim.send(
                .post, "/v1/messages", json: Self.messages(prompt.text, model: "claude-v2"), headers: Self.anthropicHeaders)
            #expect(response.status == 200)
            #expect(response.headers["x-sim-recorded-correct"] == "unlabelled")
        }
    }
}
