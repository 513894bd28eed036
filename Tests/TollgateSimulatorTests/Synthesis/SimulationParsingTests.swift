import Testing
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationParsingTests {
    @Test(arguments: [
        ("{not json", nil as String?),
        ("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
        ("{\"model\":\"gpt-4o\"}", "messages"),
        ("{\"model\":\"gpt-4o\",\"messages\":[]}", "messages"),
        ("{\"model\":42,\"messages\":[]}", "model"),
        ("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages[0].content"),
        ("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}", "max_tokens"),
    ])
    func openAIRejectsBadBodies(body: String, param: String?) {
        #expect {
            _ = try SimulatedPrompt.openAIChat(json: Array(body.utf8))
        } throws: { error in
            (error as? SimulationInputError)?.param == param
        }
    }

    @Test(arguments: ["[]", "{\"model\":\"claude\"}", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"])
    func anthropicRejectsBadBodies(body: String) {
        #expect(throws: SimulationInputError.self) {
            _ = try SimulatedPrompt.anthropicMessages(json: Array(body.utf8))
        }
    }

    @Test func streamOptionsOnlyCountWhenStreaming() throws {
        let streaming = try SimulatedPrompt.openAIChat(
            json: SimulationFixture.openAIChat(messages: [("user", "x")], extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}")
        )
        #expect(streaming.stream && streaming.includeUsage)
        let plain = try SimulatedPrompt.openAIChat(
            json: SimulationFixture.openAIChat(messages: [("user", "x")], extra: ",\"stream_options\":{\"include_usage\":true}")
        )
        #expect(!plain.stream && !plain.includeUsage)
    }

    @Test func nullContentAndUnknownFieldsAreAccepted() throws {
        let json = SimulationFixture.bytes(
            """
            {"model":"gpt-4o","temperature":0.2,"tools":[{"type":"function"}],"messages":[
              {"role":"assistant","content":null,"tool_calls":[{"id":"c"}]},{"role":"tool","content":"abcd","tool_call_id":"c"}]}
            """
        )
        let prompt = try SimulatedPrompt.openAIChat(json: json)
        #expect(prompt.inputTokens == 1)
    }

    @Test func unknownAnthropicBlockShapesAreToleratedAndMarkedBlocksStillCount() throws {
        let json = SimulationFixture.bytes(
            """
            {"model":"claude","messages":[{"role":"user","content":[
              {"type":"web_search_tool_result","tool_use_id":"t","content":{"type":"web_search_tool_result_error","error_code":"x"}},
              {"type":"image","source":{"type":"base64","data":"AAAA"},"cache_control":{"type":"ephemeral"}},
              {"type":"text","text":"abcd"}]}]}
            """
        )
        let prompt = try SimulatedPrompt.anthropicMessages(json: json)
        #expect(prompt.inputTokens == 1)
        #expect(prompt.cacheBreakpoints.map(\.tokens) == [0])
    }
}
