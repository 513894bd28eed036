/// Rebuilds, from a provider's streamed events, the non-streamed answer body the same call would have returned,
/// so a streamed answer can be stored in the cache once it is complete.
///
/// Strings are joined from the deltas' raw JSON text (escapes kept, so a character whose escape is split
/// across two events is joined whole), and usage is copied as the provider reported it. The assembler
/// gives up at the first thing it does not understand, and then holds nothing: a stream it cannot rebuild
/// exactly is never stored.
public struct StreamAnswerAssembler: Sendable {
    /// The route whose stream this is.
    public let route: RouteKind
    /// The most bytes of assembled text (content, reasoning, refusals, tool arguments, log probabilities) kept.
    public let maxBytes: Int
    /// Whether the assembler gave up: the stream held something it does not understand, an error event,
    /// an event after its end, or more text than ``maxBytes``. Once true, ``answer()`` is nil for good.
    public private(set) var abandoned: Bool
    /// Whether the stream's proper end arrived (`[DONE]`, `message_stop`).
    public private(set) var finished = false

    var chat = ChatAnswer()
    var message = MessageAnswer()

    /// Creates an assembler for a route's stream; only chat completions and messages are assembled.
    /// - Parameters:
    ///   - route: The route the stream is answering.
    ///   - maxBytes: The assembled text past which the assembler gives up.
    public init(route: RouteKind, maxBytes: Int = 4 << 20) {
        self.route = route
        self.maxBytes = maxBytes
        abandoned = route != .chatCompletions && route != .messages
    }

    /// Merges one complete event as the gateway frames it (an ``SSEFramer`` event, its terminating blank line included).
    ///
    /// An event without its terminating blank line (a stream cut mid-event) makes the assembler give up,
    /// as does an `event: error`, data that is not JSON (other than OpenAI's `[DONE]`) and any data after
    /// the stream's end. Events without data (comments, keep-alives) are ignored.
    /// - Parameter event: The event's bytes, its terminating blank line included.
    public mutating func observe(_ event: some Collection<UInt8>) {
        guard !abandoned else { return }
        let raw = Array(event)
        guard Self.isTerminated(raw) else { return abandon() }
        let parsed = SSEEvent(raw[...])
        let name = parsed.name.map { String(decoding: $0, as: UTF8.self) }
        if name == "error" { return abandon() }
        guard !parsed.data.isEmpty else { return }
        guard !finished else { return abandon() }
        let understood: Bool
        let assembledBytes: Int
        if route == .chatCompletions {
            if parsed.data.elementsEqual(StreamMeter.done) {
                finished = true
                return
            }
            understood = Self.document(parsed.data).map { chat.observe($0.root) } ?? false
            assembledBytes = chat.byteCount
        } else {
            understood = Self.document(parsed.data).map { message.observe($0.root, name: name) } ?? false
            assembledBytes = message.byteCount
            finished = message.stopped
        }
        if !understood || assembledBytes > maxBytes { abandon() }
    }

    /// The answer body (JSON bytes) — nil unless the stream completed properly (OpenAI: a finish_reason for every
    /// choice and `[DONE]`; Anthropic: message_stop), carried usage, had no error event, and held nothing the
    /// assembler does not understand (an unknown block or delta type makes it give up: never store a wrong answer).
    ///
    /// A chat completion is `{"id","object":"chat.completion","created","model",("system_fingerprint"),
    /// ("service_tier"),"choices":[{"index","message":{"role","content",("reasoning_content"),("tool_calls"),
    /// ("refusal")},"logprobs","finish_reason"}],"usage"}`; a message is `{"id","type":"message","role","model",
    /// "content","stop_reason","stop_sequence","usage"}` with `message_delta`'s usage merged into `message_start`'s.
    public func answer() -> [UInt8]? {
        guard !abandoned, finished else { return nil }
        return route == .chatCompletions ? chat.body() : message.body()
    }

    /// Gives up for good and lets go of everything assembled.
    private mutating func abandon() {
        abandoned = true
        chat = ChatAnswer()
        message = MessageAnswer()
    }

    /// An event's data parsed as a JSON object; nil when it is not one.
    private static func document(_ data: ArraySlice<UInt8>) -> JSONDocument? {
        guard let document = try? JSONDocument(parsing: Array(data)), document.root.kind == .object else { return nil }
        return document
    }

    /// Whether an event ends with its blank line, as ``SSEFramer`` frames it (`\n\n` or `\n\r\n`).
    static func isTerminated(_ raw: [UInt8]) -> Bool {
        let count = raw.count
        guard count >= 2, raw[count - 1] == 10 else { return false }
        return raw[count - 2] == 10 || (count >= 3 && raw[count - 2] == 13 && raw[count - 3] == 10)
    }
}
