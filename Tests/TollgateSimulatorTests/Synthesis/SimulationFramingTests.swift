import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationFramingTests {
    private func completion(tokens: Int = 3, cap: Int? = nil, model: String = "gpt-4o") throws -> (SimulatedPrompt, SimulatedCompletion) {
        let extra = cap.map { ",\"max_tokens\":\($0)" } ?? ""
        let prompt = try SimulatedPrompt.openAIChat(
            json: SimulationFixture.openAIChat(model: model, messages: [("user", "[[sim:tokens=\(tokens)]]")], extra: extra)
        )
        return (prompt, SimulatedCompletion(prompt: prompt))
    }

    @Test func openAIStreamMatchesTheRecordedFramingWithUsage() throws {
        let (_, completion) = try completion()
        let usage = TokenUsage(inputUncached: 9, output: 3)
        let stream = SimulationRenderer.openAIChatStream(
            id: "chatcmpl-simX",
            created: 1_727_346_173,
            model: "gpt-4o",
            choices: [completion],
            usage: usage,
            includeUsage: true
        )
        let prefix =
            "data: {\"id\":\"chatcmpl-simX\",\"object\":\"chat.completion.chunk\",\"created\":1727346173,\"model\":\"gpt-4o\","
            + "\"system_fingerprint\":\"fp_sim\",\"choices\":"
        var expected =
            prefix
            + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        for piece in completion.pieces {
            expected += prefix + "[{\"index\":0,\"delta\":{\"content\":\"\(piece)\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        }
        expected += prefix + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
        expected +=
            prefix + "[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
            + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n"
        expected += "data: [DONE]\n\n"
        #expect(stream.body == expected)
        #expect(stream.head.count == 1)
        #expect(stream.tokens.count == 3)
        #expect(stream.tail.count == 3)
    }

    @Test func openAIStreamHasNoUsageChunkUnlessAsked() throws {
        let (_, completion) = try completion(tokens: 20, cap: 4)
        let stream = SimulationRenderer.openAIChatStream(
            id: "chatcmpl-simY",
            created: 1,
            model: "gpt-4o",
            choices: [completion],
            usage: TokenUsage(output: 4),
            includeUsage: false
        )
        #expect(stream.tokens.count == 4)
        #expect(stream.tail.count == 2)
        #expect(!stream.body.contains("\"usage\""))
        #expect(!stream.body.contains("\"choices\":[]"))
        #expect(stream.tail[0].contains("\"finish_reason\":\"length\""))
        #expect(stream.tail[1] == "data: [DONE]\n\n")
        #expect(stream.errorEvent.hasPrefix("data: {\"error\":{"))
    }

    @Test func openAICompletionObjectCarriesFullUsage() throws {
        let (_, completion) = try completion(tokens: 8, model: "o3-mini")
        let usage = TokenUsage(inputUncached: 100, cacheRead: 1280, output: 8, reasoning: 2)
        let body = SimulationRenderer.openAIChatCompletion(id: "chatcmpl-simZ", created: 5, model: "o3-mini", choices: [completion], usage: usage)
        #expect(body.hasPrefix("{\"id\":\"chatcmpl-simZ\",\"object\":\"chat.completion\",\"created\":5,\"model\":\"o3-mini\","))
        #expect(body.contains("\"message\":{\"role\":\"assistant\",\"content\":\"\(completion.text)\""))
        #expect(body.contains("\"finish_reason\":\"stop\""))
        #expect(body.contains("\"usage\":{\"prompt_tokens\":1380,\"completion_tokens\":8,\"total_tokens\":1388,"))
        #expect(body.contains("\"prompt_tokens_details\":{\"cached_tokens\":1280,\"audio_tokens\":0}"))
        #expect(
            body.contains(
                "\"completion_tokens_details\":{\"reasoning_tokens\":2,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}"
            )
        )
    }

    @Test func anthropicStreamMatchesTheRecordedEventSequence() throws {
        let (_, completion) = try completion(tokens: 2)
        let usage = TokenUsage(inputUncached: 135, cacheRead: 7, cacheWrite5m: 3, cacheWrite1h: 1, output: 2)
        let stream = SimulationRenderer.anthropicMessageStream(id: "msg_simA", model: "claude-sonnet-4-5", completion: completion, usage: usage)
        let usageJSON =
            "{\"input_tokens\":135,\"cache_creation_input_tokens\":4,\"cache_read_input_tokens\":7,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,\"ephemeral_1h_input_tokens\":1},\"output_tokens\":1,"
            + "\"service_tier\":\"standard\",\"inference_geo\":\"not_available\"}"
        var expected =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5\",\"id\":\"msg_simA\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":\(usageJSON)}}\n\n"
        expected +=
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        expected += "event: ping\ndata: {\"type\": \"ping\"}\n\n"
        for piece in completion.pieces {
            expected +=
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(piece)\"}}\n\n"
        }
        expected += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        expected +=
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            + "\"usage\":{\"input_tokens\":135,\"cache_creation_input_tokens\":4,\"cache_read_input_tokens\":7,\"output_tokens\":2}}\n\n"
        expected += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        #expect(stream.body == expected)
        #expect(
            stream.errorEvent
                == "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded (simulated stream error)\"}}\n\n"
        )
    }

    @Test func anthropicMessageObjectAndThinkingDetails() throws {
        let (_, completion) = try completion(tokens: 5, cap: 4)
        let usage = TokenUsage(inputUncached: 10, output: 4, reasoning: 1)
        let body = SimulationRenderer.anthropicMessage(id: "msg_simB", model: "claude-reasoner", completion: completion, usage: usage)
        #expect(body.hasPrefix("{\"id\":\"msg_simB\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-reasoner\","))
        #expect(body.contains("\"content\":[{\"type\":\"text\",\"text\":\"\(completion.text)\"}]"))
        #expect(body.contains("\"stop_reason\":\"max_tokens\""))
        #expect(body.contains("\"output_tokens\":4,\"output_tokens_details\":{\"thinking_tokens\":1}"))
        #expect(SimulationRenderer.anthropicDeltaUsage(usage).hasSuffix("\"output_tokens\":4,\"output_tokens_details\":{\"thinking_tokens\":1}}"))
    }

    @Test func modelListsHaveEachDialectsShape() {
        let openAI = SimulationRenderer.models(dialect: .openai)
        #expect(openAI.hasPrefix("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":"))
        let anthropic = SimulationRenderer.models(dialect: .anthropic)
        #expect(anthropic.hasPrefix("{\"data\":[{\"id\":\"claude-sonnet-4-5\",\"type\":\"model\",\"display_name\":\"Claude Sonnet 4 5\""))
        #expect(anthropic.hasSuffix("\"has_more\":false,\"first_id\":\"claude-sonnet-4-5\",\"last_id\":\"claude-3-5-haiku-latest\"}"))
    }
}
