import Foundation
import Testing
import TollgateProviders
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorJSONStyleTests {
    /// Parses JSON text as Foundation values, for comparing two layouts of the same document.
    static func value(_ text: some StringProtocol) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? NSObject)
    }

    /// The `data:` payloads of a stream, in order.
    static func payloads(_ response: SimulatorTestResponse) -> [String] {
        response.events.compactMap { event in
            event.split(separator: "\n").first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
        }
    }

    @Test func spacedHeaderGivesTheSameValuesInPythonsLayout() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("Hello there", model: "gpt-4o-caf\u{e9}")
            let compact = try await sim.send(.post, "/v1/chat/completions", json: body)
            let spaced = try await sim.send(.post, "/v1/chat/completions", json: body, headers: [("x-sim-json-style", "spaced")])
            #expect(spaced.status == 200)
            #expect(spaced.headers["content-length"] == String(spaced.body.utf8.count))
            #expect(spaced.body.contains("\"usage\": {\"prompt_tokens\": 6, \"completion_tokens\": "))
            #expect(spaced.body.contains("\"model\": \"gpt-4o-caf\\u00e9\""))
            #expect(spaced.body.utf8.allSatisfy { $0 < 0x80 })
            #expect(!compact.body.contains("\": "))
            // Ids and timestamps differ per request; everything else is the same value.
            var left = try compact.object()
            var right = try spaced.object()
            #expect((right["model"] as? String) == "gpt-4o-caf\u{e9}")
            for key in ["id", "created"] {
                left[key] = nil
                right[key] = nil
            }
            #expect(NSDictionary(dictionary: left) == NSDictionary(dictionary: right))
        }
    }

    @Test func everyStreamedEventIsSpacedAndStillOneEventPerDataLine() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(jsonStyle: .spaced)) { sim in
            let body = SimulatorBodies.messages("[[sim:tokens=4]]", extra: ",\"stream\":true")
            let spaced = try await sim.send(.post, "/v1/messages", json: body, headers: [("anthropic-version", "2023-06-01")])
            let compact = try await sim.send(
                .post, "/v1/messages", json: body, headers: [("anthropic-version", "2023-06-01"), ("x-sim-json-style", "compact")])
            #expect(spaced.events.count == compact.events.count)
            #expect(spaced.events.count == 10)
            for event in spaced.events {
                #expect(event.split(separator: "\n").count == 2)
                #expect(event.contains("\": "))
            }
            let spacedPayloads = Self.payloads(spaced)
            let compactPayloads = Self.payloads(compact)
            #expect(compactPayloads[0].hasPrefix("{\"type\":\"message_start\",\"message\":{"))
            #expect(spacedPayloads[0].hasPrefix("{\"type\": \"message_start\", \"message\": {"))
            // message_start carries the id; compare all other events value by value.
            for (left, right) in zip(spacedPayloads, compactPayloads).dropFirst() {
                #expect(try Self.value(left) == (try Self.value(right)))
            }
            #expect(spacedPayloads[8].contains("\"usage\": {\"input_tokens\": 4, "))
        }
    }

    @Test func openAIStreamsKeepTheirDoneLineAndErrorsAreSpacedToo() async throws {
        try await SimulatorHarness.run { sim in
            let headers = [("x-sim-json-style", "spaced")]
            let extra = ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"
            let body = SimulatorBodies.chat("[[sim:tokens=3]]", extra: extra)
            let stream = try await sim.send(.post, "/v1/chat/completions", json: body, headers: headers)
            #expect(stream.events.last == "data: [DONE]")
            #expect(stream.events.dropLast().allSatisfy { $0.hasPrefix("data: {\"id\": \"chatcmpl-sim") })
            let usage = try #require(Self.payloads(stream).dropLast().last)
            #expect(usage.contains("\"choices\": [], \"usage\": {\"prompt_tokens\": 7, \"completion_tokens\": 3, \"total_tokens\": 10"))

            let error = try await sim.send(.post, "/v1/chat/completions", json: "{\"model\":", headers: headers)
            #expect(error.status == 400)
            #expect(error.body.hasPrefix("{\"error\": {\"message\": "))
        }
    }

    @Test func anUnknownStyleIs400() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.get, "/v1/models", headers: [("x-sim-json-style", "pretty")])
            #expect(response.status == 400)
            #expect((try response.object()["error"] as? [String: Any])?["param"] as? String == "x-sim-json-style")
        }
    }
}
