import TollgateCore

@testable import TollgateProviders

/// Stored answers in both dialects, and the stream plumbing the cache tests share.
enum CachedAnswerFixtures {
    /// Text with escapes, non-ASCII text and a surrogate pair; cache reads and reasoning in the usage.
    static let chatText = #"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd",\#
        "choices":[{"index":0,"message":{"role":"assistant","content":"H\u00e9llo \"w\u00f6rld\"\n\ud83d\ude00 tab\t\\ Zürich","refusal":null},\#
        "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1380,"completion_tokens":8,"total_tokens":1388,\#
        "prompt_tokens_details":{"cached_tokens":1280,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0}}}
        """#

    /// Two tool calls and no content.
    static let chatToolCalls = #"""
        {"id":"chatcmpl-2","object":"chat.completion","created":5,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant",\#
        "content":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},\#
        {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],\#
        "usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70}}
        """#

    /// Three choices: empty content, a refusal, a capped answer; cache writes in the usage.
    static let chatChoices = #"""
        {"id":"chatcmpl-3","object":"chat.completion","created":6,"model":"gpt-4o","service_tier":"default","choices":[\#
        {"index":0,"message":{"role":"assistant","content":""},"logprobs":null,"finish_reason":"stop"},\#
        {"index":1,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"logprobs":null,"finish_reason":"stop"},\#
        {"index":2,"message":{"role":"assistant","content":"third"},"logprobs":null,"finish_reason":"length"}],\#
        "usage":{"prompt_tokens":10,"completion_tokens":9,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":2,"cache_write_tokens":4}}}
        """#

    /// Reasoning text and log probabilities.
    static let chatReasoning = #"""
        {"id":"chatcmpl-4","object":"chat.completion","created":7,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant",\#
        "content":"42","reasoning_content":"Six times seven."},"logprobs":{"content":[{"token":"42","logprob":-0.1,"bytes":[52,50],\#
        "top_logprobs":[]}],"refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8,\#
        "completion_tokens_details":{"reasoning_tokens":4}}}
        """#

    /// Text with escapes and non-ASCII text; cache reads and writes of both lifetimes in the usage.
    static let messageText = #"""
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text",\#
        "text":"Bonjour \u00e0 \"tous\"\n😀 \\o/"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":135,\#
        "cache_creation_input_tokens":40,"cache_read_input_tokens":1200,"cache_creation":{"ephemeral_5m_input_tokens":30,\#
        "ephemeral_1h_input_tokens":10},"output_tokens":12,"service_tier":"standard"}}
        """#

    /// Thinking with a signature, text, and a tool use; thinking tokens in the usage.
    static let messageTools = #"""
        {"id":"msg_2","type":"message","role":"assistant","model":"claude-opus-4","content":[{"type":"thinking","thinking":"Let me check.",\#
        "signature":"c2ln=="},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather",\#
        "input":{"city":"Z\u00fcrich","days":[1,2],"note":"a \"quoted\" word"}}],"stop_reason":"tool_use","stop_sequence":null,\#
        "usage":{"input_tokens":500,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":80,\#
        "output_tokens_details":{"thinking_tokens":30}}}
        """#

    /// Empty text, redacted thinking, a tool use without input, a stop sequence and no output tokens.
    static let messageEmpty = #"""
        {"id":"msg_3","type":"message","role":"assistant","model":"claude-3-5-haiku","content":[{"type":"text","text":""},\#
        {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},{"type":"tool_use","id":"toolu_2","name":"noop","input":{}}],\#
        "stop_reason":"stop_sequence","stop_sequence":"END","usage":{"input_tokens":7,"output_tokens":0}}
        """#

    static let chatBodies = [chatText, chatToolCalls, chatChoices, chatReasoning]
    static let messageBodies = [messageText, messageTools, messageEmpty]

    /// Every body with its route.
    static var all: [(body: String, route: RouteKind)] {
        chatBodies.map { ($0, RouteKind.chatCompletions) } + messageBodies.map { ($0, RouteKind.messages) }
    }

    /// Splits a stream into events as the gateway does, in chunks of `size` bytes; an unterminated rest comes last.
    static func frame(_ bytes: [UInt8], chunk size: Int = 13) -> [ArraySlice<UInt8>] {
        var framer = SSEFramer()
        var events: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            events += framer.push(bytes[start..<min(bytes.count, start + size)])
            start += size
        }
        if let rest = framer.flush() { events.append(rest) }
        return events
    }

    /// The answer an assembler rebuilds from a stream.
    static func assemble(_ stream: [UInt8], route: RouteKind, maxBytes: Int = 4 << 20) -> [UInt8]? {
        var assembler = StreamAnswerAssembler(route: route, maxBytes: maxBytes)
        for event in frame(stream) { assembler.observe(event) }
        return assembler.answer()
    }

    /// The answer an assembler rebuilds from a stream written as text.
    static func assemble(_ stream: String, route: RouteKind, maxBytes: Int = 4 << 20) -> [UInt8]? {
        assemble(Array(stream.utf8), route: route, maxBytes: maxBytes)
    }

    /// The canonical text of a JSON document, or of the value at `path` in it (keys, and array positions as numbers).
    static func canonical(_ bytes: [UInt8], _ path: String...) throws -> String {
        try canonical(bytes, path: path)
    }

    /// The canonical text of a JSON document written as text, or of the value at `path` in it.
    static func canonical(_ text: String, _ path: String...) throws -> String {
        try canonical(Array(text.utf8), path: path)
    }

    private static func canonical(_ bytes: [UInt8], path: [String]) throws -> String {
        var value = try JSONDocument(parsing: bytes).root
        for key in path {
            let element = Int(key).flatMap { value.elements.indices.contains($0) ? value.elements[$0] : nil }
            guard let next = element ?? value[key] else { return "<absent>" }
            value = next
        }
        return String(decoding: CanonicalJSON.text(of: value), as: UTF8.self)
    }
}
