import Foundation
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationResponsesTests {
    private func parse(_ json: String) throws -> SimulatedPrompt {
        try SimulatedPrompt.openAIResponses(json: SimulationFixture.bytes(json))
    }

    @Test func stringAndItemInputsCountTheSameText() throws {
        let string = try parse("{\"model\":\"gpt-4o\",\"input\":\"abcdefgh\",\"instructions\":\"abcd\"}")
        #expect(string.inputTokens == 3)
        #expect(string.instructions == "abcd")
        #expect(string.cacheBreakpoints.map(\.tokens) == [1, 3])
        #expect(string.dialect == .openai)
        let items = try parse(
            """
            {"model":"gpt-4o","instructions":"abcd","input":[
              {"role":"user","content":"abcdefgh"},
              {"role":"user","content":[{"type":"input_text","text":"abcd"},{"type":"input_image","image_url":"x"}]},
              {"type":"function_call_output","call_id":"c","output":"abcdabcd"}]}
            """
        )
        #expect(items.inputTokens == 1 + 2 + 1 + 2)
        #expect(items.cacheBreakpoints.map(\.tokens) == [1, 3, 4, 6])
        // The same text as a chat prompt hashes the same, so answers match across APIs.
        #expect(
            string.textHash
                == (try SimulatedPrompt.openAIChat(
                    json: SimulationFixture.openAIChat(messages: [("system", "abcd"), ("user", "abcdefgh")]))).textHash)
    }

    @Test func capStreamAndMissingFields() throws {
        let prompt = try parse("{\"model\":\"o4-mini\",\"input\":\"[[sim:tokens=9]]\",\"max_output_tokens\":5,\"stream\":true}")
        #expect(prompt.maxTokens == 5)
        #expect(prompt.stream)
        #expect(prompt.toolName == nil)
        #expect(throws: SimulationInputError.self) { try parse("{\"input\":\"x\"}") }
        #expect(throws: SimulationInputError.self) { try parse("{\"model\":\"m\"}") }
        #expect(throws: SimulationInputError.self) { try parse("{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}") }
        #expect(throws: SimulationInputError.self) { try parse("{\"model\":\"m\",\"input\":7}") }
    }

    @Test func streamEventsAreNumberedAndEndWithTheUsage() throws {
        let prompt = try parse("{\"model\":\"gpt-4o\",\"input\":\"[[sim:tokens=3]]\",\"stream\":true}")
        let completion = SimulatedCompletion(prompt: prompt)
        let header = SimulatedResponseHeader(id: "resp_x", messageID: "msg_x", createdAt: 7, prompt: prompt)
        let usage = TokenUsage(inputUncached: 4, output: 3)
        let stream = SimulationRenderer.openAIResponseStream(header, completion: completion, usage: usage)
        let events = stream.head + stream.tokens + stream.tail
        var types: [String] = []
        for (position, event) in events.enumerated() {
            let lines = event.split(separator: "\n")
            #expect(lines.count == 2)
            let name = String(lines[0].dropFirst("event: ".count))
            let data = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].dropFirst(6).utf8)) as? [String: Any])
            #expect(data["type"] as? String == name)
            #expect(data["sequence_number"] as? Int == position)
            types.append(name)
        }
        #expect(
            types == [
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
            ]
        )
        #expect(!stream.body.contains("[DONE]"))
        #expect(stream.tail.last?.contains(SimulationRenderer.openAIResponsesUsage(usage)) == true)
        #expect(stream.errorEvent.contains("\"sequence_number\":\(4 + stream.cutTokenCount)"))
    }

    @Test func bodyCarriesTheOutputTextAndUsage() throws {
        let prompt = try parse("{\"model\":\"gpt-4o\",\"input\":\"[[sim:tokens=8]]\",\"max_output_tokens\":6}")
        let completion = SimulatedCompletion(prompt: prompt)
        let header = SimulatedResponseHeader(id: "resp_y", messageID: "msg_y", createdAt: 9, prompt: prompt)
        let usage = TokenUsage(inputUncached: 2, cacheRead: 1, output: 6, reasoning: 1)
        let body = SimulationRenderer.openAIResponse(header, completion: completion, usage: usage)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "incomplete")
        #expect((object["incomplete_details"] as? [String: Any])?["reason"] as? String == "max_output_tokens")
        #expect(object["max_output_tokens"] as? Int == 6)
        let reported = try #require(object["usage"] as? [String: Any])
        #expect(reported["input_tokens"] as? Int == 3)
        #expect((reported["input_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int == 1)
        #expect(reported["output_tokens"] as? Int == 6)
        #expect((reported["output_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int == 1)
        #expect(reported["total_tokens"] as? Int == 9)
    }
}
