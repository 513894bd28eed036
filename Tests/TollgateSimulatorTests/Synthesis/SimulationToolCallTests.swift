import Foundation
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationToolCallTests {
    private static let weather = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}"
    private static let time = "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}"

    private func chat(_ extra: String, content: String = "[[sim:tokens=10]]") throws -> SimulatedPrompt {
        try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", content)], extra: extra))
    }

    @Test func theToolToCallFollowsToolsAndToolChoice() throws {
        #expect(try chat("").toolName == nil)
        #expect(try chat(",\"tools\":[]").toolName == nil)
        #expect(try chat(",\"tools\":[\(Self.weather),\(Self.time)]").toolName == "get_weather")
        #expect(try chat(",\"tools\":[\(Self.weather),\(Self.time)],\"tool_choice\":\"auto\"").toolName == "get_weather")
        #expect(try chat(",\"tools\":[\(Self.weather),\(Self.time)],\"tool_choice\":\"required\"").toolName == "get_weather")
        #expect(try chat(",\"tools\":[\(Self.weather)],\"tool_choice\":\"none\"").toolName == nil)
        let named = ",\"tools\":[\(Self.weather),\(Self.time)],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}"
        #expect(try chat(named).toolName == "get_time")
        // A tool without a name cannot be called: the answer stays text.
        #expect(try chat(",\"tools\":[{\"type\":\"function\"}]").toolName == nil)
    }

    @Test func anthropicToolChoiceShapes() throws {
        func prompt(_ extra: String) throws -> SimulatedPrompt {
            try SimulatedPrompt.anthropicMessages(
                json: SimulationFixture.bytes("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]\(extra)}")
            )
        }
        let tools = ",\"tools\":[{\"name\":\"search\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"fetch\",\"input_schema\":{}}]"
        #expect(try prompt(tools).toolName == "search")
        #expect(try prompt(tools + ",\"tool_choice\":{\"type\":\"any\"}").toolName == "search")
        #expect(try prompt(tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"fetch\"}").toolName == "fetch")
        #expect(try prompt(tools + ",\"tool_choice\":{\"type\":\"none\"}").toolName == nil)
    }

    @Test(arguments: [3, 4, 10, 40])
    func argumentsAreAJSONObjectCountedByTheTextRule(tokens: Int) throws {
        let prompt = try chat(",\"tools\":[\(Self.weather)]", content: "[[sim:tokens=\(tokens)]]")
        let call = SimulatedCompletion(prompt: prompt)
        #expect(call.toolName == "get_weather")
        #expect(call.outputTokens == tokens)
        #expect(Int64(call.outputTokens) == TokenEstimator.tokens(in: call.text))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(call.text.utf8)) as? [String: Any])
        #expect(object["query"] is String)
        #expect(call.pieces.first == "{\"query\":\"")
        #expect(call.pieces.last == "\"}")
        #expect(!call.truncated)
    }

    @Test func aCapShrinksTheArgumentsButKeepsThemValid() throws {
        let capped = SimulatedCompletion(prompt: try chat(",\"tools\":[\(Self.weather)],\"max_tokens\":5", content: "[[sim:tokens=30]]"))
        #expect(capped.truncated)
        #expect(capped.outputTokens == 5)
        #expect((try? JSONSerialization.jsonObject(with: Data(capped.text.utf8))) is [String: Any])
        let tiny = SimulatedCompletion(prompt: try chat(",\"tools\":[\(Self.weather)],\"max_tokens\":2", content: "[[sim:tokens=30]]"))
        #expect(tiny.text == "{}")
        #expect(tiny.outputTokens == 1)
        #expect(SimulationRenderer.openAIFinishReason(tiny) == "length")
        #expect(SimulationRenderer.anthropicStopReason(tiny) == "max_tokens")
    }

    @Test func openAIToolCallBodyAndStreamAgree() throws {
        let call = SimulatedCompletion(prompt: try chat(",\"tools\":[\(Self.weather)]"))
        let body = SimulationRenderer.openAIChatCompletion(id: "c", created: 1, model: "m", choices: [call], usage: TokenUsage(output: 10))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "tool_calls")
        let message = try #require(choice["message"] as? [String: Any])
        #expect(message["content"] is NSNull)
        let toolCall = try #require((message["tool_calls"] as? [[String: Any]])?.first)
        #expect((toolCall["id"] as? String)?.hasPrefix("call_") == true)
        #expect(toolCall["type"] as? String == "function")
        let function = try #require(toolCall["function"] as? [String: Any])
        #expect(function["name"] as? String == "get_weather")
        #expect(function["arguments"] as? String == call.text)

        let stream = SimulationRenderer.openAIChatStream(id: "c", created: 1, model: "m", choices: [call], usage: .zero, includeUsage: false)
        #expect(stream.head.count == 1)
        #expect(stream.head[0].contains("\"tool_calls\":[{\"index\":0,\"id\":\"\(toolCall["id"] as? String ?? "")\",\"type\":\"function\""))
        #expect(stream.head[0].contains("\"arguments\":\"\""))
        #expect(stream.tokens.count == call.pieces.count)
        #expect(stream.tail[0].contains("\"finish_reason\":\"tool_calls\""))
    }

    @Test func anthropicToolUseBlockAndStream() throws {
        let prompt = try SimulatedPrompt.anthropicMessages(
            json: SimulationFixture.bytes(
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"[[sim:tokens=6]]\"}],\"tools\":[{\"name\":\"search\"}]}"
            )
        )
        let call = SimulatedCompletion(prompt: prompt)
        let body = SimulationRenderer.anthropicMessage(id: "msg", model: "claude", completion: call, usage: TokenUsage(output: 6))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["stop_reason"] as? String == "tool_use")
        let block = try #require((object["content"] as? [[String: Any]])?.first)
        #expect(block["type"] as? String == "tool_use")
        #expect((block["id"] as? String)?.hasPrefix("toolu_") == true)
        #expect(block["name"] as? String == "search")
        #expect(block["input"] is [String: Any])
        let stream = SimulationRenderer.anthropicMessageStream(id: "msg", model: "claude", completion: call, usage: TokenUsage(output: 6))
        let id = block["id"] as? String ?? ""
        #expect(stream.head[1].contains("\"content_block\":{\"type\":\"tool_use\",\"id\":\"\(id)\",\"name\":\"search\",\"input\":{}}"))
        #expect(stream.tokens.allSatisfy { $0.contains("\"type\":\"input_json_delta\",\"partial_json\":") })
    }
}
