#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import TollgateCore

/// Watches a provider's event stream as it is relayed: reads usage, counts streamed text for
/// estimates, and decides which events the client sees.
///
/// For OpenAI streams where the gateway added `stream_options.include_usage`, the extra usage
/// chunk is read and then dropped, so the client sees exactly the stream it asked for.
public struct StreamMeter: Sendable {
    /// The stream's dialect.
    public let dialect: Dialect
    /// Whether the client sees the usage chunk (it asked for it itself).
    public let forwardUsageChunk: Bool

    /// Usage reported by the provider, once seen.
    public private(set) var usage: TokenUsage?
    /// The model the provider reports.
    public private(set) var servedModel: String?
    /// UTF-8 bytes of generated text seen so far (for estimates).
    public private(set) var streamedTextBytes: Int = 0
    /// Whether the stream reached its proper end (`[DONE]` or `message_stop`).
    public private(set) var completed = false
    /// An error event the provider sent mid-stream, if any.
    public private(set) var providerError: String?

    private var anthropicUsage: AnthropicUsage?

    /// Creates a meter.
    public init(dialect: Dialect, forwardUsageChunk: Bool) {
        self.dialect = dialect
        self.forwardUsageChunk = forwardUsageChunk
    }

    /// Observes one framed event; returns whether to relay it to the client.
    public mutating func observe(_ raw: ArraySlice<UInt8>) -> Bool {
        let event = SSEEvent(raw)
        switch dialect {
        case .openai: return observeOpenAI(event)
        case .anthropic: return observeAnthropic(event)
        }
    }

    private mutating func observeOpenAI(_ event: SSEEvent) -> Bool {
        let data = event.data
        if data.count == 6, data.elementsEqual(Self.done) {
            completed = true
            return true
        }
        if servedModel == nil { servedModel = Self.firstStringValue(in: data, after: Self.modelKey) }
        if data.contains(bytes: Self.usageObject) {
            struct Chunk: Decodable {
                var usage: OpenAIUsage?
                var choices: [Ignored]?
            }
            if let chunk = try? JSONDecoder().decode(Chunk.self, from: Data(data)), let reported = chunk.usage {
                usage = reported.normalised
                if chunk.choices?.isEmpty ?? true { return forwardUsageChunk }
            }
        }
        if data.starts(with: Self.errorObject) || data.contains(bytes: Self.errorKey) && !data.contains(bytes: Self.choicesKey) {
            providerError = "the provider sent an error event mid-stream"
        }
        streamedTextBytes += data.stringValueBytes(after: Self.contentKey)
        return true
    }

    private mutating func observeAnthropic(_ event: SSEEvent) -> Bool {
        guard let name = event.name else { return true }
        if name.elementsEqual(Self.contentBlockDelta) {
            streamedTextBytes += event.data.stringValueBytes(after: Self.textKey)
                + event.data.stringValueBytes(after: Self.thinkingKey)
                + event.data.stringValueBytes(after: Self.partialJSONKey)
        } else if name.elementsEqual(Self.messageStart) {
            struct Start: Decodable {
                struct Message: Decodable {
                    var model: String?
                    var usage: AnthropicUsage?
                }
                var message: Message
            }
            if let start = try? JSONDecoder().decode(Start.self, from: Data(event.data)) {
                servedModel = start.message.model
                anthropicUsage = start.message.usage
                usage = anthropicUsage?.normalised
            }
        } else if name.elementsEqual(Self.messageDelta) {
            struct Delta: Decodable { var usage: AnthropicUsage? }
            if let delta = try? JSONDecoder().decode(Delta.self, from: Data(event.data)), let reported = delta.usage {
                var merged = anthropicUsage ?? reported
                if anthropicUsage != nil { merged.merge(reported) }
                anthropicUsage = merged
                usage = merged.normalised
            }
        } else if name.elementsEqual(Self.messageStop) {
            completed = true
        } else if name.elementsEqual(Self.errorName) {
            providerError = "the provider sent an error event mid-stream"
        }
        return true
    }

    /// Usage to record: the provider's report when the stream completed with one, otherwise an
    /// estimate from the request's prompt and the text streamed so far.
    /// - Returns: The usage and whether it is estimated.
    public func finalUsage(estimatedInputTokens: Int64) -> (usage: TokenUsage, estimated: Bool) {
        if let usage, completed || dialect == .openai {
            return (usage, false)
        }
        if var partial = usage {
            // Anthropic: input is known from message_start; output only up to the last delta.
            partial.output = max(partial.output, TokenEstimator.tokens(byteCount: streamedTextBytes))
            return (partial, true)
        }
        return (TokenUsage(inputUncached: estimatedInputTokens, output: TokenEstimator.tokens(byteCount: streamedTextBytes)), true)
    }

    private static func firstStringValue(in data: ArraySlice<UInt8>, after key: [UInt8]) -> String? {
        guard let range = data.firstRange(of: key) else { return nil }
        let rest = data[range.upperBound...]
        guard let end = rest.firstIndex(of: 34) else { return nil }
        return String(decoding: rest[rest.startIndex..<end], as: UTF8.self)
    }

    private struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    static let done: [UInt8] = Array("[DONE]".utf8)
    static let modelKey: [UInt8] = Array("\"model\":\"".utf8)
    static let usageObject: [UInt8] = Array("\"usage\":{".utf8)
    static let contentKey: [UInt8] = Array("\"content\":\"".utf8)
    static let errorObject: [UInt8] = Array("{\"error\"".utf8)
    static let errorKey: [UInt8] = Array("\"error\":{".utf8)
    static let choicesKey: [UInt8] = Array("\"choices\"".utf8)
    static let textKey: [UInt8] = Array("\"text\":\"".utf8)
    static let thinkingKey: [UInt8] = Array("\"thinking\":\"".utf8)
    static let partialJSONKey: [UInt8] = Array("\"partial_json\":\"".utf8)
    static let contentBlockDelta: [UInt8] = Array("content_block_delta".utf8)
    static let messageStart: [UInt8] = Array("message_start".utf8)
    static let messageDelta: [UInt8] = Array("message_delta".utf8)
    static let messageStop: [UInt8] = Array("message_stop".utf8)
    static let errorName: [UInt8] = Array("error".utf8)
}
