#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import TollgateCore

/// Usage and served model read from a provider response.
public struct ResponseMetering: Sendable, Hashable {
    /// Normalised usage, if the response reported any.
    public var usage: TokenUsage?
    /// The model the provider says served the call.
    public var servedModel: String?

    /// Creates a metering result.
    public init(usage: TokenUsage?, servedModel: String?) {
        self.usage = usage
        self.servedModel = servedModel
    }
}

/// OpenAI's `usage` object (chat completions and embeddings).
struct OpenAIUsage: Decodable {
    var prompt_tokens: Int64?
    var completion_tokens: Int64?
    var prompt_tokens_details: PromptDetails?
    var completion_tokens_details: CompletionDetails?

    struct PromptDetails: Decodable {
        var cached_tokens: Int64?
        var cache_write_tokens: Int64?
    }

    struct CompletionDetails: Decodable {
        var reasoning_tokens: Int64?
    }

    /// Normalised per standards §3.4: uncached = prompt − cache reads − cache writes (never negative).
    var normalised: TokenUsage {
        let prompt = prompt_tokens ?? 0
        let read = prompt_tokens_details?.cached_tokens ?? 0
        let write = prompt_tokens_details?.cache_write_tokens ?? 0
        let output = completion_tokens ?? 0
        return TokenUsage(
            inputUncached: max(0, prompt - read - write), cacheRead: read, cacheWrite5m: write, output: output,
            reasoning: min(output, completion_tokens_details?.reasoning_tokens ?? 0)
        )
    }
}

/// Anthropic's `usage` object (message, `message_start` and cumulative `message_delta`).
struct AnthropicUsage: Decodable {
    var input_tokens: Int64?
    var cache_creation_input_tokens: Int64?
    var cache_read_input_tokens: Int64?
    var cache_creation: CacheCreation?
    var output_tokens: Int64?
    var output_tokens_details: OutputDetails?

    struct CacheCreation: Decodable {
        var ephemeral_5m_input_tokens: Int64?
        var ephemeral_1h_input_tokens: Int64?
    }

    struct OutputDetails: Decodable {
        var thinking_tokens: Int64?
    }

    /// Overwrites fields present in `delta`, keeping the others (as the official SDK accumulates).
    mutating func merge(_ delta: AnthropicUsage) {
        if let v = delta.input_tokens { input_tokens = v }
        if let v = delta.cache_creation_input_tokens { cache_creation_input_tokens = v }
        if let v = delta.cache_read_input_tokens { cache_read_input_tokens = v }
        if let v = delta.cache_creation { cache_creation = v }
        if let v = delta.output_tokens { output_tokens = v }
        if let v = delta.output_tokens_details { output_tokens_details = v }
    }

    /// Normalised per standards §3.4; writes are split by TTL when the provider says how.
    var normalised: TokenUsage {
        let writes = cache_creation_input_tokens ?? 0
        let oneHour = min(writes, cache_creation?.ephemeral_1h_input_tokens ?? 0)
        let output = output_tokens ?? 0
        return TokenUsage(
            inputUncached: input_tokens ?? 0, cacheRead: cache_read_input_tokens ?? 0, cacheWrite5m: writes - oneHour,
            cacheWrite1h: oneHour, output: output, reasoning: min(output, output_tokens_details?.thinking_tokens ?? 0)
        )
    }
}

extension RouteKind {
    /// Reads usage and the served model from a complete (non-streaming) response body.
    ///
    /// Only the top-level `"usage"` object is decoded (found by scanning, strings skipped), so the
    /// cost does not grow with the size of the generated content.
    /// - Returns: Metering with `usage == nil` when the body has no usable usage object.
    public func meter(responseBody: some Collection<UInt8>) -> ResponseMetering {
        let bytes = Array(responseBody)
        let fields = JSONScan.topLevelFields(bytes, ["usage", "model"])
        let model = fields["model"].flatMap { JSONScan.string(bytes[$0]) }
        guard let usageRange = fields["usage"] else { return .init(usage: nil, servedModel: model) }
        let usage = bytes[usageRange]
        switch dialect {
        case .openai:
            return .init(usage: OpenAIUsage(scanning: usage)?.normalised, servedModel: model)
        case .anthropic:
            return .init(usage: AnthropicUsage(scanning: usage)?.normalised, servedModel: model)
        }
    }
}

extension OpenAIUsage {
    /// Reads a usage object without a general JSON decoder (hot path); nil when it is not an object.
    init?(scanning object: ArraySlice<UInt8>) {
        let bytes = Array(object)
        let top = JSONScan.topLevelFields(bytes, ["prompt_tokens", "completion_tokens", "prompt_tokens_details", "completion_tokens_details"])
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        func int(_ range: Range<Int>?) -> Int64? { range.flatMap { JSONScan.integer(bytes[$0]) } }
        prompt_tokens = int(top["prompt_tokens"])
        completion_tokens = int(top["completion_tokens"])
        if let range = top["prompt_tokens_details"] {
            let inner = Array(bytes[range])
            let fields = JSONScan.topLevelFields(inner, ["cached_tokens", "cache_write_tokens"])
            prompt_tokens_details = PromptDetails(
                cached_tokens: fields["cached_tokens"].flatMap { JSONScan.integer(inner[$0]) },
                cache_write_tokens: fields["cache_write_tokens"].flatMap { JSONScan.integer(inner[$0]) })
        }
        if let range = top["completion_tokens_details"] {
            let inner = Array(bytes[range])
            let fields = JSONScan.topLevelFields(inner, ["reasoning_tokens"])
            completion_tokens_details = CompletionDetails(reasoning_tokens: fields["reasoning_tokens"].flatMap { JSONScan.integer(inner[$0]) })
        }
    }
}

extension AnthropicUsage {
    /// Reads a usage object without a general JSON decoder (hot path); nil when it is not an object.
    init?(scanning object: ArraySlice<UInt8>) {
        let bytes = Array(object)
        guard bytes.first == UInt8(ascii: "{") else { return nil }
        let top = JSONScan.topLevelFields(
            bytes, ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "cache_creation", "output_tokens", "output_tokens_details"])
        func int(_ range: Range<Int>?, in b: [UInt8]) -> Int64? { range.flatMap { JSONScan.integer(b[$0]) } }
        input_tokens = int(top["input_tokens"], in: bytes)
        cache_creation_input_tokens = int(top["cache_creation_input_tokens"], in: bytes)
        cache_read_input_tokens = int(top["cache_read_input_tokens"], in: bytes)
        output_tokens = int(top["output_tokens"], in: bytes)
        if let range = top["cache_creation"] {
            let inner = Array(bytes[range])
            let fields = JSONScan.topLevelFields(inner, ["ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"])
            cache_creation = CacheCreation(
                ephemeral_5m_input_tokens: int(fields["ephemeral_5m_input_tokens"], in: inner),
                ephemeral_1h_input_tokens: int(fields["ephemeral_1h_input_tokens"], in: inner))
        }
        if let range = top["output_tokens_details"] {
            let inner = Array(bytes[range])
            let fields = JSONScan.topLevelFields(inner, ["thinking_tokens"])
            output_tokens_details = OutputDetails(thinking_tokens: int(fields["thinking_tokens"], in: inner))
        }
    }
}

/// A small scanner over JSON text for the few top-level fields the gateway reads on hot paths.
enum JSONScan {
    /// A non-negative JSON integer, or nil (`null`, fractions, anything else).
    static func integer(_ slice: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        for byte in slice {
            if byte == 32 || byte == 10 || byte == 13 || byte == 9 { if digits > 0 { break } else { continue } }
            guard byte >= 48 && byte <= 57, digits < 18 else { return nil }
            value = value * 10 + Int64(byte - 48)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// `true` or `false`, or nil.
    static func boolean(_ slice: ArraySlice<UInt8>) -> Bool? {
        if slice.elementsEqual("true".utf8) { return true }
        if slice.elementsEqual("false".utf8) { return false }
        return nil
    }

    /// The byte ranges of the values of the named top-level keys of an object.
    static func topLevelFields(_ b: [UInt8], _ names: Set<String>) -> [String: Range<Int>] {
        var out: [String: Range<Int>] = [:]
        var i = skipSpace(b, 0)
        guard i < b.count, b[i] == UInt8(ascii: "{") else { return out }
        i += 1
        while i < b.count {
            i = skipSpace(b, i)
            guard i < b.count else { break }
            if b[i] == UInt8(ascii: "}") { break }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard b[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(b, i) else { break }
            let key = String(decoding: b[(i + 1)..<(keyEnd - 1)], as: UTF8.self)
            i = skipSpace(b, keyEnd)
            guard i < b.count, b[i] == UInt8(ascii: ":") else { break }
            i = skipSpace(b, i + 1)
            guard let valueEnd = valueEnd(b, i) else { break }
            if names.contains(key) { out[key] = i..<valueEnd }
            if out.count == names.count { break }
            i = valueEnd
        }
        return out
    }

    /// The contents of a JSON string literal without escapes, or nil.
    static func string(_ slice: ArraySlice<UInt8>) -> String? {
        guard slice.count >= 2, slice.first == UInt8(ascii: "\""), slice.last == UInt8(ascii: "\""),
            !slice.contains(UInt8(ascii: "\\"))
        else { return nil }
        return String(decoding: slice.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func skipSpace(_ b: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 32 || b[i] == 10 || b[i] == 13 || b[i] == 9 { i += 1 }
        return i
    }

    /// Index after the closing quote of the string starting at `start`.
    private static func stringEnd(_ b: [UInt8], _ start: Int) -> Int? {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return nil
    }

    /// Index after the value starting at `start` (object, array, string or scalar).
    private static func valueEnd(_ b: [UInt8], _ start: Int) -> Int? {
        guard start < b.count else { return nil }
        switch b[start] {
        case UInt8(ascii: "\""):
            return stringEnd(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(b, i) else { return nil }
                    i = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return nil
        default:
            var i = start
            while i < b.count, b[i] != UInt8(ascii: ","), b[i] != UInt8(ascii: "}"), b[i] != UInt8(ascii: "]") { i += 1 }
            return i
        }
    }
}
