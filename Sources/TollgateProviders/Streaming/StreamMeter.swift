public import TollgateCore

/// Watches a provider's event stream as it is relayed: reads usage, counts generated text for
/// estimates, and decides which events the client sees. Each event's data is parsed as JSON, so
/// the provider's whitespace, key order and escapes never change what is metered.
///
/// For OpenAI chat streams where the gateway added `stream_options.include_usage`, the extra usage
/// chunk (`"choices": []`) is read and then dropped, so the client sees exactly the stream it asked for.
public struct StreamMeter: Sendable {
    /// The route whose stream this is.
    public let route: RouteKind
    /// Whether the client sees the usage chunk (it asked for it itself).
    public let forwardUsageChunk: Bool

    /// Usage reported by the provider, once seen.
    public private(set) var usage: TokenUsage?
    /// The model the provider reports.
    public private(set) var servedModel: String?
    /// UTF-8 bytes of generated output seen so far: text, reasoning and tool-call arguments (for estimates).
    public private(set) var streamedTextBytes: Int = 0
    /// Whether the stream reached its proper end (`[DONE]`, `message_stop`, `response.completed`).
    public private(set) var completed = false
    /// An error event the provider sent mid-stream, if any.
    public private(set) var providerError: String?
    /// Whether the provider's final usage report was seen and well-formed (Anthropic's `message_delta`,
    /// OpenAI's usage chunk, the Responses API's `response.completed`).
    public private(set) var finalUsageSeen = false

    private var anthropicUsage: AnthropicUsage?

    /// The dialect of the stream.
    public var dialect: Dialect { route.dialect }

    /// Creates a meter for a route's stream.
    public init(route: RouteKind, forwardUsageChunk: Bool) {
        self.route = route
        self.forwardUsageChunk = forwardUsageChunk
    }

    /// Creates a meter for a dialect's main streaming route (chat completions or messages).
    public init(dialect: Dialect, forwardUsageChunk: Bool) {
        self.init(route: dialect == .anthropic ? .messages : .chatCompletions, forwardUsageChunk: forwardUsageChunk)
    }

    /// Observes one framed event; returns whether to relay it to the client.
    public mutating func observe(_ raw: ArraySlice<UInt8>) -> Bool {
        let event = SSEEvent(raw)
        if route == .chatCompletions || route == .embeddings {
            if event.data.count == 6, event.data.elementsEqual(Self.done) {
                completed = true
                return true
            }
        }
        guard !event.data.isEmpty, let document = try? JSONDocument(parsing: Array(event.data)), document.root.kind == .object else {
            return true
        }
        switch route {
        case .messages, .countTokens: observeAnthropic(document.root, name: event.name)
        case .responses: observeResponses(document.root)
        case .chatCompletions, .embeddings: return observeChat(document.root)
        }
        return true
    }

    private mutating func observeChat(_ chunk: JSONCursor) -> Bool {
        if servedModel == nil { servedModel = chunk["model"]?.string }
        if let error = chunk["error"], !error.isNull {
            providerError = "the provider sent an error event mid-stream"
        }
        let choices = chunk["choices"]?.elements ?? []
        for choice in choices { streamedTextBytes += GeneratedText.bytes(chatMessage: choice["delta"]) }
        if let reported = OpenAIUsage(chunk["usage"]) {
            usage = reported.normalised
            finalUsageSeen = true
            if choices.isEmpty { return forwardUsageChunk }
        }
        return true
    }

    private mutating func observeAnthropic(_ data: JSONCursor, name: ArraySlice<UInt8>?) {
        let type = name.map { String(decoding: $0, as: UTF8.self) } ?? data["type"]?.string ?? ""
        switch type {
        case "content_block_delta":
            let delta = data["delta"]
            streamedTextBytes +=
                (delta?["text"]?.stringByteCount ?? 0) + (delta?["thinking"]?.stringByteCount ?? 0)
                + (delta?["partial_json"]?.stringByteCount ?? 0)
        case "message_start":
            let message = data["message"]
            servedModel = message?["model"]?.string ?? servedModel
            anthropicUsage = AnthropicUsage(message?["usage"])
            usage = anthropicUsage?.normalised
        case "message_delta":
            guard let reported = AnthropicUsage(data["usage"]), reported.output_tokens != nil else { return }
            var merged = anthropicUsage ?? reported
            if anthropicUsage != nil { merged.merge(reported) }
            anthropicUsage = merged
            usage = merged.normalised
            finalUsageSeen = true
        case "message_stop":
            completed = true
        case "error":
            providerError = "the provider sent an error event mid-stream"
        default:
            break
        }
    }

    private mutating func observeResponses(_ data: JSONCursor) {
        let type = data["type"]?.string ?? ""
        switch type {
        case "response.output_text.delta", "response.function_call_arguments.delta", "response.reasoning_summary_text.delta",
            "response.refusal.delta", "response.reasoning_text.delta":
            streamedTextBytes += data["delta"]?.stringByteCount ?? 0
        case "response.created", "response.in_progress":
            servedModel = data["response"]?["model"]?.string ?? servedModel
        case "response.completed", "response.incomplete":
            let response = data["response"]
            servedModel = response?["model"]?.string ?? servedModel
            if let reported = OpenAIUsage(response?["usage"], responses: true) {
                usage = reported.normalised
                finalUsageSeen = true
            }
            completed = true
        case "response.failed", "error":
            providerError = "the provider sent an error event mid-stream"
        default:
            break
        }
    }

    /// Usage to record: the provider's final report when it arrived well-formed; otherwise an
    /// estimate from the request's prompt and the output streamed so far, never above the output
    /// bound the call carried (`max_tokens` × choices), which is what its reservation covered.
    /// - Parameters:
    ///   - estimatedInputTokens: The request's input estimate.
    ///   - outputBound: The most output the provider may generate for the call, when known.
    /// - Returns: The usage and whether it is estimated.
    public func finalUsage(estimatedInputTokens: Int64, outputBound: Int64? = nil) -> (usage: TokenUsage, estimated: Bool) {
        if let usage, finalUsageSeen {
            return (usage, false)
        }
        var streamed = TokenEstimator.tokens(byteCount: streamedTextBytes)
        if let outputBound { streamed = min(streamed, max(0, outputBound)) }
        if var partial = usage {
            // Anthropic: input is known from message_start; output only up to the last delta.
            partial.output = max(partial.output, streamed)
            partial.reasoning = min(partial.reasoning, partial.output)
            return (partial, true)
        }
        return (TokenUsage(inputUncached: estimatedInputTokens, output: streamed), true)
    }

    /// Whether an event the provider did not terminate is whole: its data is `[DONE]` or a complete JSON document.
    public static func isWhole(_ raw: ArraySlice<UInt8>) -> Bool {
        let data = SSEEvent(raw).data
        return data.elementsEqual(done) || (!data.isEmpty && (try? JSONDocument(parsing: Array(data))) != nil)
    }

    static let done: [UInt8] = Array("[DONE]".utf8)
}
