import Foundation
import Testing
import TollgateCore
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorToolCallTests {
    static let openAITools =
        ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}]"
    static let anthropicTools = ",\"tools\":[{\"name\":\"search\",\"input_schema\":{\"type\":\"object\"}}]"

    /// Parses JSON text into a dictionary.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func openAIAnswersWithAToolCall() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Weather?", extra: Self.openAITools))
            #expect(response.status == 200)
            let object = try response.object()
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "tool_calls")
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["content"] is NSNull)
            let calls = try #require(message["tool_calls"] as? [[String: Any]])
            #expect(calls.count == 1)
            #expect((calls[0]["id"] as? String)?.hasPrefix("call_") == true)
            #expect(calls[0]["type"] as? String == "function")
            let function = try #require(calls[0]["function"] as? [String: Any])
            #expect(function["name"] as? String == "get_weather")
            let arguments = try #require(function["arguments"] as? String)
            _ = try Self.object(arguments)
            let usage = try #require(object["usage"] as? [String: Any])
            #expect(Int64(try #require(usage["completion_tokens"] as? Int)) == TokenEstimator.tokens(in: arguments))

            let named = Self.openAITools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}"
            let forced = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Weather?", extra: named))
            let forcedCall = (try forced.object()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            #expect(((forcedCall?["tool_calls"] as? [[String: Any]])?.first?["function"] as? [String: Any])?["name"] as? String == "get_time")

            let noneBody = SimulatorBodies.chat("Weather?", extra: Self.openAITools + ",\"tool_choice\":\"none\"")
            let none = try await sim.send(.post, "/v1/chat/completions", json: noneBody)
            let text = (try none.object()["choices"] as? [[String: Any]])?.first
            #expect(text?["finish_reason"] as? String == "stop")
            #expect((text?["message"] as? [String: Any])?["content"] is String)
        }
    }

    @Test func openAIStreamedArgumentsConcatenateToTheNonStreamedOnes() async throws {
        try await SimulatorHarness.run { sim in
            let plain = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Weather?", extra: Self.openAITools))
            let message = (try plain.object()["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            let call = try #require((message?["tool_calls"] as? [[String: Any]])?.first)
            let expected = try #require((call["function"] as? [String: Any])?["arguments"] as? String)

            let extra = Self.openAITools + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"
            let streamed = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("Weather?", extra: extra))
            let events = streamed.events
            #expect(events.last == "data: [DONE]")
            let first = try #require((try SimulatorTestResponse.data(of: events[0])["choices"] as? [[String: Any]])?.first)
            let opening = try #require(((first["delta"] as? [String: Any])?["tool_calls"] as? [[String: Any]])?.first)
            #expect(opening["index"] as? Int == 0)
            #expect(opening["id"] as? String == call["id"] as? String)
            #expect(opening["type"] as? String == "function")
            #expect((opening["function"] as? [String: Any])?["name"] as? String == "get_weather")
            #expect((opening["function"] as? [String: Any])?["arguments"] as? String == "")

            var arguments = ""
            var finish: String?
            var usage: [String: Any]?
            for event in events.dropFirst().dropLast() {
                let chunk = try SimulatorTestResponse.data(of: event)
                guard let choice = (chunk["choices"] as? [[String: Any]])?.first else {
                    usage = chunk["usage"] as? [String: Any]
                    continue
                }
                if let finishReason = choice["finish_reason"] as? String { finish = finishReason }
                let fragment = ((choice["delta"] as? [String: Any])?["tool_calls"] as? [[String: Any]])?.first
                #expect(fragment == nil || fragment?["id"] == nil)
                arguments += (fragment?["function"] as? [String: Any])?["arguments"] as? String ?? ""
            }
            #expect(arguments == expected)
            #expect(NSDictionary(dictionary: try Self.object(arguments)) == NSDictionary(dictionary: try Self.object(expected)))
            #expect(finish == "tool_calls")
            #expect(Int64(try #require(usage?["completion_tokens"] as? Int)) == TokenEstimator.tokens(in: arguments))
        }
    }

    @Test func anthropicAnswersWithToolUseStreamedAsInputJSONDeltas() async throws {
        try await SimulatorHarness.run { sim in
            let headers = [("anthropic-version", "2023-06-01")]
            let body = SimulatorBodies.messages("Find it", extra: Self.anthropicTools)
            let plain = try await sim.send(.post, "/v1/messages", json: body, headers: headers)
            let message = try plain.object()
            #expect(message["stop_reason"] as? String == "tool_use")
            let block = try #require((message["content"] as? [[String: Any]])?.first)
            #expect(block["type"] as? String == "tool_use")
            #expect((block["id"] as? String)?.hasPrefix("toolu_") == true)
            #expect(block["name"] as? String == "search")
            let input = try #require(block["input"] as? [String: Any])
            let inputJSON = try JSONSerialization.data(withJSONObject: input)
            let outputTokens = try #require((message["usage"] as? [String: Any])?["output_tokens"] as? Int)
            #expect(Int64(outputTokens) == TokenEstimator.tokens(byteCount: inputJSON.count))

            let streamed = try await sim.send(
                .post, "/v1/messages", json: SimulatorBodies.messages("Find it", extra: Self.anthropicTools + ",\"stream\":true"), headers: headers)
            let events = streamed.events
            let names = events.map { $0.split(separator: "\n").first.map(String.init) ?? "" }
            #expect(names.first == "event: message_start")
            #expect(names.last == "event: message_stop")
            let start = try SimulatorTestResponse.data(of: events[1])
            let opened = try #require(start["content_block"] as? [String: Any])
            #expect(opened["type"] as? String == "tool_use")
            #expect(opened["id"] as? String == block["id"] as? String)
            #expect(opened["name"] as? String == "search")
            #expect((opened["input"] as? [String: Any])?.isEmpty == true)
            var partial = ""
            for event in events where event.hasPrefix("event: content_block_delta") {
                let delta = try #require(try SimulatorTestResponse.data(of: event)["delta"] as? [String: Any])
                #expect(delta["type"] as? String == "input_json_delta")
                partial += try #require(delta["partial_json"] as? String)
            }
            #expect(NSDictionary(dictionary: try Self.object(partial)) == NSDictionary(dictionary: input))
            #expect(names.contains("event: content_block_stop"))
            let delta = try SimulatorTestResponse.data(of: try #require(events.first { $0.hasPrefix("event: message_delta") }))
            #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "tool_use")
            #expect((delta["usage"] as? [String: Any])?["output_tokens"] as? Int == Int(TokenEstimator.tokens(in: partial)))
        }
    }
}
