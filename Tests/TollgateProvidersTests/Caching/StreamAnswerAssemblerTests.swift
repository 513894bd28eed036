import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// Streams rebuilt into the answer bodies the same calls would have returned.
@Suite struct StreamAnswerAssemblerTests {
    private typealias Fixtures = CachedAnswerFixtures

    /// The OpenAI stream recorded in the official SDK's tests, log probabilities included.
    private static let openAIRecording = """
        data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":null}]}

        data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"Foo"},"logprobs":{"content":[{"token":"Foo","logprob":-0.0025094282,"bytes":[70,111,111],"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}

        data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"!"},"logprobs":{"content":[{"token":"!","logprob":-0.26638845,"bytes":[33],"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}

        data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

        data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":0}}}

        data: [DONE]


        """

    private static func stream(_ fixture: Int) throws -> (events: String, route: RouteKind, body: String) {
        let (body, route) = Fixtures.all[fixture]
        let events = try #require(CachedAnswerStream.events(body: Array(body.utf8), route: route, includeUsage: true))
        return (String(decoding: events, as: UTF8.self), route, body)
    }

    @Test(arguments: CachedAnswerFixtures.all.indices)
    func aRenderedAnswerAssemblesBackIntoTheStoredBody(fixture: Int) throws {
        let (events, route, body) = try Self.stream(fixture)
        let answer = try #require(Fixtures.assemble(events, route: route))
        #expect(try Fixtures.canonical(answer) == Fixtures.canonical(body))
        #expect(route.meter(responseBody: answer) == route.meter(responseBody: Array(body.utf8)))
    }

    @Test func theRecordedOpenAIStreamAssemblesWithItsLogProbabilities() throws {
        let answer = try #require(Fixtures.assemble(Self.openAIRecording, route: .chatCompletions))
        let expected =
            #"{"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion","created":1727346173,"model":"gpt-4o-2024-08-06","#
            + #""system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"message":{"role":"assistant","content":"Foo!","refusal":null},"#
            + #""logprobs":{"content":[{"token":"Foo","logprob":-0.0025094282,"bytes":[70,111,111],"top_logprobs":[]},"#
            + #"{"token":"!","logprob":-0.26638845,"bytes":[33],"top_logprobs":[]}],"refusal":null},"finish_reason":"stop"}],"#
            + #""usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":0}}}"#
        #expect(String(decoding: answer, as: UTF8.self) == expected)
    }

    @Test func theRecordedAnthropicStreamAssemblesWithMergedUsage() throws {
        let answer = try #require(Fixtures.assemble(anthropicRecording, route: .messages))
        let expected =
            #"{"id":"msg_013nnniYDrJDocdy5nrMU7cH","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","#
            + #""content":[{"type":"text","text":"[12345,67890]"}],"stop_reason":"end_turn","stop_sequence":null,"#
            + #""usage":{"input_tokens":135,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"#
            + #""cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":10,"#
            + #""service_tier":"standard","inference_geo":"not_available"}}"#
        #expect(String(decoding: answer, as: UTF8.self) == expected)
        var meter = StreamMeter(route: .messages, forwardUsageChunk: true)
        for event in Fixtures.frame(Array(anthropicRecording.utf8)) { _ = meter.observe(event) }
        #expect(RouteKind.messages.meter(responseBody: answer).usage == meter.usage)
    }

    @Test func deltasJoinByTheirRawTextSoASplitEscapeStaysWhole() throws {
        let head = #"data: {"id":"c","object":"chat.completion.chunk","created":2,"model":"m","choices":[{"index":0,"delta":"#
        let tail = #","finish_reason":null}]}"# + "\n\n"
        let stream =
            head + #"{"role":"assistant","content":"\ud83d"}"# + tail
            + head + #"{"content":"\ude00 \u00e9"}"# + tail
            + head + #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}"# + tail
            + head + #"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"1}"}}]}"# + tail
            + #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1}}"# + "\n\n"
            + "data: [DONE]\n\n"
        let answer = try #require(Fixtures.assemble(stream, route: .chatCompletions))
        let message = try JSONDocument(parsing: answer).root["choices"]?.elements.first?["message"]
        #expect(message?["content"]?.string == "😀 é")
        #expect(
            try Fixtures.canonical(answer, "choices", "0", "message", "tool_calls")
                == #"[{"function":{"arguments":"{\"a\":1}","name":"f"},"id":"call_1","type":"function"}]"#)
    }

    @Test func partialJSONIsJoinedAndMustBeAnObject() throws {
        func stream(_ pieces: [String]) -> String {
            var text =
                "event: message_start\n" + #"data: {"type":"message_start","message":{"id":"m","model":"c","content":[],"usage":{"input_tokens":3}}}"#
                + "\n\nevent: content_block_start\n"
                + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}}"# + "\n\n"
            for piece in pieces {
                text +=
                    "event: content_block_delta\n"
                    + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":\#(piece)}}"# + "\n\n"
            }
            return text + "event: content_block_stop\n" + #"data: {"type":"content_block_stop","index":0}"# + "\n\n"
                + "event: message_delta\n" + #"data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}"#
                + "\n\nevent: message_stop\n" + #"data: {"type":"message_stop"}"# + "\n\n"
        }
        let answer = try #require(Fixtures.assemble(stream([#""""#, #""{\"ci""#, #""ty\": \"Par\u00eds\"}""#]), route: .messages))
        #expect(try Fixtures.canonical(answer, "content", "0", "input") == #"{"city":"París"}"#)
        #expect(try Fixtures.canonical(answer, "usage") == #"{"input_tokens":3,"output_tokens":5}"#)
        let empty = try #require(Fixtures.assemble(stream([]), route: .messages))
        #expect(try Fixtures.canonical(empty, "content", "0", "input") == "{}")
        #expect(Fixtures.assemble(stream([#""{\"city\":""#]), route: .messages) == nil)
        #expect(Fixtures.assemble(stream([#""[1]""#]), route: .messages) == nil)
    }

    @Test(arguments: CachedAnswerFixtures.all.indices)
    func aStreamWithoutItsEndHasNoAnswer(fixture: Int) throws {
        let (events, route, _) = try Self.stream(fixture)
        var parts = events.components(separatedBy: "\n\n").dropLast().map { $0 + "\n\n" }
        parts.removeLast()
        #expect(Fixtures.assemble(parts.joined(), route: route) == nil)
        // Cut inside the last event, whose rest the framer hands over unterminated.
        #expect(Fixtures.assemble(String(events.dropLast(3)), route: route) == nil)
        #expect(Fixtures.assemble(String(events.dropLast(1)), route: route) == nil)
        // A cut earlier, mid-event: the rest never arrives.
        #expect(Fixtures.assemble(String(events.prefix(events.count / 2)), route: route) == nil)
    }

    @Test func everyStructuralEventIsNeeded() throws {
        for fixture in Fixtures.all.indices {
            let (events, route, _) = try Self.stream(fixture)
            let parts = events.components(separatedBy: "\n\n").dropLast().map { $0 + "\n\n" }
            let content = ["content_block_delta", #""finish_reason":null"#]
            for dropped in parts.indices where !content.contains(where: parts[dropped].contains) {
                var kept = parts
                kept.remove(at: dropped)
                #expect(Fixtures.assemble(kept.joined(), route: route) == nil, "fixture \(fixture) without event \(dropped)")
            }
        }
    }

    @Test func aChatStreamWithoutUsageHasNoAnswer() throws {
        let events = try #require(CachedAnswerStream.events(body: Array(Fixtures.chatText.utf8), route: .chatCompletions, includeUsage: false))
        #expect(Fixtures.assemble(events, route: .chatCompletions) == nil)
    }

    @Test(arguments: [
        ("data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n", RouteKind.chatCompletions),
        ("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", .chatCompletions),
        ("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", .messages),
        ("data: not json\n\n", .chatCompletions),
        ("event: unknown_event\ndata: {\"type\":\"unknown_event\"}\n\n", .messages),
    ])
    func anErrorOrAnEventNotUnderstoodHasNoAnswer(event: String, route: RouteKind) throws {
        let (events, _, _) = try Self.stream(route == .messages ? 4 : 0)
        var parts = events.components(separatedBy: "\n\n").dropLast().map { $0 + "\n\n" }
        parts.insert(event, at: 2)
        #expect(Fixtures.assemble(parts.joined(), route: route) == nil)
        // Appended after the end, too.
        #expect(Fixtures.assemble(events + event, route: route) == nil)
    }

    @Test(arguments: [
        (#""delta":{"type":"text_delta","text":"Bonjour"#, #""delta":{"type":"citations_delta","citation":{},"text":"Bonjour"#),
        (#""delta":{"type":"text_delta","text":"Bonjour"#, #""delta":{"type":"input_json_delta","partial_json":"Bonjour"#),
        (#""delta":{"type":"text_delta","text":"Bonjour"#, #""delta":{"type":"text_delta","extra":1,"text":"Bonjour"#),
        (#""content_block":{"type":"text","text":""}"#, #""content_block":{"type":"server_tool_use","id":"s","name":"web_search","input":{}}"#),
        (#""content_block":{"type":"text","text":""}"#, #""content_block":{"type":"text","text":"","citations":[]}"#),
        (#""content_block_start","index":0"#, #""content_block_start","index":1"#),
        (#""delta":{"stop_reason":"end_turn""#, #""delta":{"container":{"id":"c"},"stop_reason":"end_turn""#),
    ])
    func anUnknownAnthropicBlockOrDeltaHasNoAnswer(original: String, replacement: String) throws {
        let (events, _, _) = try Self.stream(4)
        #expect(events.contains(original))
        #expect(Fixtures.assemble(events.replacingOccurrences(of: original, with: replacement), route: .messages) == nil)
    }

    @Test(arguments: [
        (#""delta":{"role":"assistant","content":"H"#, #""delta":{"role":"assistant","audio":{"id":"a"},"content":"H"#),
        (#""delta":{"role":"assistant","content":"H"#, #""delta":{"role":"assistant","annotations":[{}],"content":"H"#),
        (#""delta":{"role":"assistant","content":"H"#, #""delta":{"role":"assistant","content":7,"x":"H"#),
        (#""logprobs":null,"finish_reason":"stop""#, #""logprobs":null,"finish_reason":7"#),
        (#""logprobs":null,"finish_reason":null"#, #""logprobs":{"tokens":[]},"finish_reason":null"#),
        (#""choices":[{"index":0,"delta":{},"#, #""choices":[{"index":1,"delta":{},"#),
        (#""choices":[{"index":0,"delta":{},"#, #""choices":[{"index":200,"delta":{},"#),
    ])
    func anUnknownOpenAIDeltaHasNoAnswer(original: String, replacement: String) throws {
        let (events, _, _) = try Self.stream(0)
        #expect(events.contains(original))
        #expect(Fixtures.assemble(events.replacingOccurrences(of: original, with: replacement), route: .chatCompletions) == nil)
    }

    @Test func aToolCallThatChangesItsNameHasNoAnswer() throws {
        let (events, _, _) = try Self.stream(1)
        let renamed = events.replacingOccurrences(
            of: #""id":"call_b","type":"function","function":{"name":"get_time""#, with: #""function":{"name":"x""#)
        #expect(renamed != events)
        let repeated = renamed.replacingOccurrences(of: #"[{"index":1,"function""#, with: #"[{"index":0,"function""#)
        #expect(Fixtures.assemble(repeated, route: .chatCompletions) == nil)
    }

    @Test func nothingIsAddedToAChoiceOnceItFinished() throws {
        let (events, route, _) = try Self.stream(0)
        let finish = #"[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"# + "\n\n"
        let late = #"data: {"id":"c","choices":[{"index":0,"delta":{"content":"late"},"finish_reason":null}]}"# + "\n\n"
        #expect(events.contains(finish))
        #expect(Fixtures.assemble(events.replacingOccurrences(of: finish, with: finish + late), route: route) == nil)
        let repeated = #"data: {"id":"c","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}]}"# + "\n\n"
        #expect(Fixtures.assemble(events.replacingOccurrences(of: finish, with: finish + repeated), route: route) != nil)
    }

    @Test func commentsAndPingsAreIgnored() throws {
        let (events, route, body) = try Self.stream(0)
        let answer = try #require(
            Fixtures.assemble(": keep-alive\n\n" + events.replacingOccurrences(of: "\n\n", with: "\n\n: ping\n\n"), route: route))
        #expect(try Fixtures.canonical(answer) == Fixtures.canonical(body))
    }

    @Test(arguments: CachedAnswerFixtures.all.indices)
    func theAssemblerGivesUpPastItsCap(fixture: Int) throws {
        let (events, route, body) = try Self.stream(fixture)
        let text = route.meter(responseBody: Array(body.utf8)).generatedTextBytes
        var capped = StreamAnswerAssembler(route: route, maxBytes: max(0, text / 2))
        for event in Fixtures.frame(Array(events.utf8)) { capped.observe(event) }
        #expect(capped.answer() == nil || text <= 1)
        #expect(capped.abandoned || text <= 1)
        #expect(Fixtures.assemble(events, route: route, maxBytes: text + 128) != nil)
    }

    @Test func onlyChatCompletionsAndMessagesAreAssembled() throws {
        for route in [RouteKind.responses, .embeddings, .countTokens] {
            let assembler = StreamAnswerAssembler(route: route)
            #expect(assembler.abandoned)
            #expect(assembler.answer() == nil)
        }
        #expect(Fixtures.assemble(anthropicRecording, route: .chatCompletions) == nil)
        #expect(Fixtures.assemble(Self.openAIRecording, route: .messages) == nil)
    }
}
