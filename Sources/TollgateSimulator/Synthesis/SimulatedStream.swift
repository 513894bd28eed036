import TollgateProviders

/// A simulated server-sent-event stream, split where the server inserts latency and faults.
///
/// Every element is one complete event, framing included (`data: ...\n\n`, or `event: ...\ndata: ...\n\n`),
/// ready to be written and flushed on its own. Joined in order (`head + tokens + tail`) it is the whole
/// stream body.
public struct SimulatedStream: Sendable, Hashable {
    /// Events before the first token: OpenAI's role chunk; Anthropic's `message_start`,
    /// `content_block_start` and `ping`.
    public var head: [String]
    /// One event per streamed piece (per output token of text).
    public var tokens: [String]
    /// Events after the last token: OpenAI's finish chunk, the usage chunk (when asked for) and
    /// `data: [DONE]`; Anthropic's `content_block_stop`, `message_delta` and `message_stop`.
    public var tail: [String]
    /// The in-stream error event sent by the `stream_error` fault.
    public var errorEvent: String

    /// Creates a stream from its parts.
    public init(head: [String], tokens: [String], tail: [String], errorEvent: String) {
        self.head = head
        self.tokens = tokens
        self.tail = tail
        self.errorEvent = errorEvent
    }

    /// How many token events a stream cut short by the `disconnect` or `stream_error` fault still sends.
    public var cutTokenCount: Int { Self.cutTokenCount(tokens.count) }

    /// How many of `tokenCount` token events a cut stream sends: the first half.
    public static func cutTokenCount(_ tokenCount: Int) -> Int { tokenCount / 2 }

    /// The complete body of a stream that ran to its end.
    public var body: String {
        (head + tokens + tail).joined()
    }
}
