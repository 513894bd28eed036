import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// Stored answers rendered as the provider's stream: the framing of each dialect, and metering equal to the body's.
@Suite struct CachedAnswerStreamTests {
    private typealias Fixtures = CachedAnswerFixtures

    private static func events(_ body: String, _ route: RouteKind, includeUsage: Bool = true) -> String? {
        CachedAnswerStream.events(body: Array(body.utf8), route: route, includeUsage: includeUsage).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aChatAnswerStreamsAsChunksEndingWithTheUsageChunkAndDone() throws {
        let body =
            #"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"#
            + #""logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#
        let head = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":"#
        let expected =
            head + #"[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"
            + head + #"[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"# + "\n\n"
            + head + #"[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"# + "\n\n"
            + "data: [DONE]\n\n"
        #expect(Self.events(body, .chatCompletions) == expected)
    }

    @Test func theUsageChunkIsSentOnlyWhenAskedFor() throws {
        let events = try #require(Self.events(Fixtures.chatText, .chatCompletions, includeUsage: false))
        #expect(!events.contains("\"usage\""))
        #expect(!events.contains("\"choices\":[]"))
        #expect(events.hasSuffix("\n\ndata: [DONE]\n\n"))
        #expect(events.contains(#""system_fingerprint":"fp_5050236cbd","choices":"#))
        // The content is copied as written, escapes included.
        #expect(events.contains(#""content":"H\u00e9llo \"w\u00f6rld\"\n\ud83d\ude00 tab\t\\ Zürich","refusal":null}"#))
    }

    @Test func eachToolCallStreamsAsADeltaOfItsOwn() throws {
        let events = try #require(Self.events(Fixtures.chatToolCalls, .chatCompletions))
        #expect(events.contains(#""delta":{"role":"assistant","content":null},"#))
        #expect(
            events.contains(
                #""delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}"#
            ))
        #expect(
            events.contains(#""delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"#))
        #expect(events.contains(#""delta":{},"logprobs":null,"finish_reason":"tool_calls"}"#))
    }

    @Test func severalChoicesStreamByIndexWithAFinishChunkEach() throws {
        let events = try #require(Self.events(Fixtures.chatChoices, .chatCompletions))
        #expect(events.contains(#""service_tier":"default","choices":[{"index":1,"delta":{"role":"assistant","content":null,"refusal":"I can't"#))
        for (index, reason) in [(0, "stop"), (1, "stop"), (2, "length")] {
            #expect(events.contains(#"[{"index":\#(index),"delta":{},"logprobs":null,"finish_reason":"\#(reason)"}]"#))
        }
    }

    @Test func aMessageStreamsAnthropicsEventSequence() throws {
        let body =
            #"{"id":"msg_x","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hi"}],"#
            + #""stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":9,"cache_read_input_tokens":3,"output_tokens":4}}"#
        let expected =
            "event: message_start\n"
            + #"data: {"type":"message_start","message":{"id":"msg_x","type":"message","role":"assistant","model":"claude","content":[],"#
            + #""stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":9,"cache_read_input_tokens":3,"output_tokens":1}}}"# + "\n\n"
            + "event: content_block_start\n"
            + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"# + "\n\n"
            + "event: content_block_delta\n"
            + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"# + "\n\n"
            + "event: content_block_stop\n" + #"data: {"type":"content_block_stop","index":0}"# + "\n\n"
            + "event: message_delta\n"
            + #"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"# + "\n\n"
            + "event: message_stop\n" + #"data: {"type":"message_stop"}"# + "\n\n"
        #expect(Self.events(body, .messages) == expected)
        // Anthropic always carries usage, whatever the caller asked.
        #expect(Self.events(body, .messages, includeUsage: false) == expected)
    }

    @Test func thinkingToolUseAndRedactedBlocksStreamTheirOwnDeltas() throws {
        let tools = try #require(Self.events(Fixtures.messageTools, .messages))
        let names = tools.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
        #expect(
            names == [
                "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop",
            ])
        #expect(tools.contains(#""content_block":{"type":"thinking","thinking":""}}"#))
        #expect(tools.contains(#""delta":{"type":"signature_delta","signature":"c2ln=="}}"#))
        #expect(tools.contains(#""content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}"#))
        #expect(
            tools.contains(
                #""delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Z\\u00fcrich\",\"days\":[1,2],\"note\":\"a \\\"quoted\\\" word\"}"}"#
            ))
        #expect(tools.contains(#""usage":{"output_tokens":80,"output_tokens_details":{"thinking_tokens":30}}}"#))
        let empty = try #require(Self.events(Fixtures.messageEmpty, .messages))
        #expect(empty.contains(#""content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}}"#))
        #expect(!empty.contains("text_delta"))
        #expect(empty.contains(#""delta":{"type":"input_json_delta","partial_json":"{}"}}"#))
        #expect(empty.contains(#""usage":{"input_tokens":7,"output_tokens":0}}}"#))
    }

    @Test(arguments: CachedAnswerFixtures.all.indices)
    func theEventsMeterExactlyLikeTheBody(fixture: Int) throws {
        let (body, route) = Fixtures.all[fixture]
        let events = try #require(CachedAnswerStream.events(body: Array(body.utf8), route: route, includeUsage: true))
        var meter = StreamMeter(route: route, forwardUsageChunk: true)
        for event in Fixtures.frame(events) {
            let relayed = meter.observe(event)
            #expect(relayed)
        }
        let metering = route.meter(responseBody: Array(body.utf8))
        let usage = try #require(metering.usage)
        #expect(meter.usage == usage)
        #expect(meter.finalUsageSeen)
        #expect(meter.completed)
        #expect(meter.providerError == nil)
        let final = meter.finalUsage(estimatedInputTokens: 0)
        #expect(final.usage == usage && !final.estimated)
        #expect(meter.servedModel == metering.servedModel)
        #expect(meter.streamedTextBytes == metering.generatedTextBytes)
    }

    @Test func theFixturesCoverCacheAndReasoningTokens() throws {
        let usages = try Fixtures.all.map { try #require($0.route.meter(responseBody: Array($0.body.utf8)).usage) }
        #expect(usages[0] == TokenUsage(inputUncached: 100, cacheRead: 1280, output: 8, reasoning: 2))
        #expect(usages[2] == TokenUsage(inputUncached: 4, cacheRead: 2, cacheWrite5m: 4, output: 9))
        #expect(usages[4] == TokenUsage(inputUncached: 135, cacheRead: 1200, cacheWrite5m: 30, cacheWrite1h: 10, output: 12))
        #expect(usages[5] == TokenUsage(inputUncached: 500, output: 80, reasoning: 30))
    }

    @Test func withoutTheUsageChunkTheStreamCompletesUnmetered() throws {
        let events = try #require(CachedAnswerStream.events(body: Array(Fixtures.chatText.utf8), route: .chatCompletions, includeUsage: false))
        var meter = StreamMeter(route: .chatCompletions, forwardUsageChunk: true)
        for event in Fixtures.frame(events) { _ = meter.observe(event) }
        #expect(meter.completed)
        #expect(meter.usage == nil)
        #expect(!meter.finalUsageSeen)
    }

    @Test(arguments: [
        // Not an answer, or not this route's.
        ("not json", RouteKind.chatCompletions),
        (#"{"choices":[]}"#, .chatCompletions),
        (CachedAnswerFixtures.messageText, .chatCompletions),
        (CachedAnswerFixtures.chatText, .messages),
        (CachedAnswerFixtures.chatText, .responses),
        (CachedAnswerFixtures.chatText, .embeddings),
        (CachedAnswerFixtures.messageText, .countTokens),
        // No usage to stream.
        (CachedAnswerFixtures.chatText.replacingOccurrences(of: #""usage":{"#, with: #""usage_":{"#), .chatCompletions),
        (CachedAnswerFixtures.messageText.replacingOccurrences(of: #""output_tokens":12"#, with: #""output_tokens":null"#), .messages),
        // Content the renderer cannot stream faithfully.
        (CachedAnswerFixtures.chatText.replacingOccurrences(of: #""refusal":null"#, with: #""audio":{"id":"a"}"#), .chatCompletions),
        (CachedAnswerFixtures.chatText.replacingOccurrences(of: #""refusal":null"#, with: #""annotations":[{"type":"url"}]"#), .chatCompletions),
        (CachedAnswerFixtures.chatText.replacingOccurrences(of: #""finish_reason":"stop""#, with: #""finish_reason":null"#), .chatCompletions),
        (CachedAnswerFixtures.messageText.replacingOccurrences(of: #""type":"text","#, with: #""type":"server_tool_use","#), .messages),
        (CachedAnswerFixtures.messageText.replacingOccurrences(of: #""type":"text","#, with: #""type":"text","citations":[{}],"#), .messages),
    ])
    func anythingElseHasNoEvents(body: String, route: RouteKind) {
        #expect(CachedAnswerStream.events(body: Array(body.utf8), route: route, includeUsage: true) == nil)
    }

    @Test func emptyAnnotationsAndNullFieldsAreNotContent() throws {
        let body = Fixtures.chatText.replacingOccurrences(of: #""refusal":null"#, with: #""refusal":null,"annotations":[],"audio":null"#)
        let events = try #require(Self.events(body, .chatCompletions))
        #expect(!events.contains("annotations"))
        #expect(!events.contains("\"audio\":"))
    }
}
