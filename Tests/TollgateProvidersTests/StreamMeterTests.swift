import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// The OpenAI stream recorded in the official SDK's tests (standards §3.1), with the usage chunk.
private let openAIRecording = """
    data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},"finish_reason":null}]}

    data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"Foo"},"logprobs":{"content":[{"token":"Foo","logprob":-0.0025094282,"bytes":[70,111,111],"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}

    data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":"!"},"logprobs":{"content":[{"token":"!","logprob":-0.26638845,"bytes":[33],"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}

    data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

    data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":0}}}

    data: [DONE]


    """

/// The Anthropic stream recorded in the official SDK's tests (standards §3.2), with a ping.
let anthropicRecording = """
    event: message_start
    data: {"type":"message_start","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_013nnniYDrJDocdy5nrMU7cH","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":135,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}}}

    event: content_block_start
    data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

    event: ping
    data: {"type": "ping"}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"["}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"12"}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"345,"}}

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"67890]"}}

    event: content_block_stop
    data: {"type":"content_block_stop","index":0}

    event: message_delta
    data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":135,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}

    event: message_stop
    data: {"type":"message_stop"}


    """

/// Feeds `text` to a framer in chunks of `size` bytes and returns the events.
private func frame(_ text: String, chunk size: Int) -> [ArraySlice<UInt8>] {
    var framer = SSEFramer()
    let bytes = Array(text.utf8)
    var events: [ArraySlice<UInt8>] = []
    var i = 0
    while i < bytes.count {
        events += framer.push(bytes[i..<min(bytes.count, i + size)])
        i += size
    }
    if let rest = framer.flush() { events.append(rest) }
    return events
}

@Suite struct SSEFramerTests {
    @Test(arguments: [1, 7, 64, 100_000])
    func framesWholeEventsWhateverTheChunking(size: Int) {
        let events = frame(openAIRecording, chunk: size)
        #expect(events.count == 6)
        #expect(events.allSatisfy { $0.starts(with: Array("data: ".utf8)) && $0.suffix(2).elementsEqual([10, 10]) })
        #expect(events.map { String(decoding: $0, as: UTF8.self) }.joined() == openAIRecording.replacingOccurrences(of: "\n\n\n", with: "\n\n"))
    }

    @Test func handlesCRLFAndMultiLineData() {
        var framer = SSEFramer()
        let events = framer.push(Array("event: a\r\ndata: one\r\ndata: two\r\n\r\ndata: x".utf8))
        #expect(events.count == 1)
        let event = SSEEvent(events[0])
        #expect(String(decoding: event.name ?? [], as: UTF8.self) == "a")
        #expect(String(decoding: event.data, as: UTF8.self) == "one\ntwo")
        #expect(framer.bufferedByteCount == 7)
    }
}

@Suite struct StreamMeterTests {
    @Test func openAIUsageChunkIsReadAndDroppedWhenTheClientDidNotAsk() {
        var meter = StreamMeter(dialect: .openai, forwardUsageChunk: false)
        let relayed = frame(openAIRecording, chunk: 13).filter { meter.observe($0) }
        #expect(relayed.count == 5)
        #expect(!relayed.contains { String(decoding: $0, as: UTF8.self).contains("\"usage\"") })
        #expect(meter.completed)
        #expect(meter.usage == TokenUsage(inputUncached: 9, output: 2))
        #expect(meter.servedModel == "gpt-4o-2024-08-06")
        let final = meter.finalUsage(estimatedInputTokens: 100)
        #expect(final.usage == TokenUsage(inputUncached: 9, output: 2) && !final.estimated)
    }

    @Test func openAIUsageChunkIsKeptWhenTheClientAsked() {
        var meter = StreamMeter(dialect: .openai, forwardUsageChunk: true)
        let relayed = frame(openAIRecording, chunk: 4_096).filter { meter.observe($0) }
        #expect(relayed.count == 6)
    }

    @Test func openAIStreamCutBeforeUsageIsEstimatedFromStreamedText() {
        var meter = StreamMeter(dialect: .openai, forwardUsageChunk: false)
        let events = frame(openAIRecording, chunk: 4_096)
        for event in events.prefix(3) { _ = meter.observe(event) }
        #expect(!meter.completed)
        #expect(meter.streamedTextBytes == 4)  // "Foo" + "!"
        let final = meter.finalUsage(estimatedInputTokens: 40)
        #expect(final.estimated)
        #expect(final.usage == TokenUsage(inputUncached: 40, output: 1))
    }

    @Test func anthropicUsageComesFromMessageStartAndCumulativeDelta() {
        var meter = StreamMeter(dialect: .anthropic, forwardUsageChunk: true)
        let relayed = frame(anthropicRecording, chunk: 9).filter { meter.observe($0) }
        #expect(relayed.count == 10)
        #expect(meter.completed)
        #expect(meter.servedModel == "claude-sonnet-4-5-20250929")
        #expect(meter.usage == TokenUsage(inputUncached: 135, output: 10))
        #expect(meter.streamedTextBytes == 13)
    }

    @Test func anthropicStreamCutAfterMessageStartKeepsKnownInput() {
        var meter = StreamMeter(dialect: .anthropic, forwardUsageChunk: true)
        for event in frame(anthropicRecording, chunk: 4_096).prefix(6) { _ = meter.observe(event) }
        let final = meter.finalUsage(estimatedInputTokens: 999)
        #expect(final.estimated)
        #expect(final.usage.inputUncached == 135)
        #expect(final.usage.output == 2)  // 7 bytes streamed ("[", "12", "345,") beat the provisional 1
    }
}

@Suite struct UsageNormalisationTests {
    @Test func openAICachedAndWrittenTokensAreSplitOutOfPromptTokens() {
        let body = """
            {"model":"gpt-4o","usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500,
            "prompt_tokens_details":{"cached_tokens":200,"cache_write_tokens":100},"completion_tokens_details":{"reasoning_tokens":120}}}
            """
        let metering = RouteKind.chatCompletions.meter(responseBody: Data(body.utf8))
        #expect(metering.usage == TokenUsage(inputUncached: 700, cacheRead: 200, cacheWrite5m: 100, output: 500, reasoning: 120))
        #expect(metering.servedModel == "gpt-4o")
    }

    @Test func anthropicCacheWritesAreSplitByTTL() {
        let body = """
            {"model":"claude-sonnet-4-5","usage":{"input_tokens":1000,"cache_creation_input_tokens":3000,"cache_read_input_tokens":500,
            "cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},"output_tokens":40,
            "output_tokens_details":{"thinking_tokens":10}}}
            """
        let usage = RouteKind.messages.meter(responseBody: Data(body.utf8)).usage
        #expect(usage == TokenUsage(inputUncached: 1000, cacheRead: 500, cacheWrite5m: 2000, cacheWrite1h: 1000, output: 40, reasoning: 10))
        #expect(usage?.inputTotal == 4500)
    }

    @Test func onlyTheTopLevelUsageCounts() {
        let body = """
            {
              "id": "chatcmpl-1", "model": "gpt-4o-mini-2024-07-18",
              "choices": [{"index": 0, "message": {"role": "assistant", "content": "{\\"usage\\":{\\"prompt_tokens\\":999}}",
                "tool_calls": [{"function": {"arguments": "{}"}}]}, "usage": {"prompt_tokens": 777}}],
              "usage" : { "prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7 }
            }
            """
        let metering = RouteKind.chatCompletions.meter(responseBody: Data(body.utf8))
        #expect(metering.usage == TokenUsage(inputUncached: 5, output: 2))
        #expect(metering.servedModel == "gpt-4o-mini-2024-07-18")
    }

    @Test func bodyWithoutUsageReportsNone() {
        #expect(RouteKind.chatCompletions.meter(responseBody: Data("{\"id\":\"x\"}".utf8)).usage == nil)
        #expect(RouteKind.messages.meter(responseBody: Data("not json".utf8)).usage == nil)
    }
}
