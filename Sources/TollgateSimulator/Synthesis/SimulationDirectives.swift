import TollgateProviders

/// Instructions embedded in a prompt as `[[sim:key=value,...]]`, so a test can steer one request
/// through any client without custom headers.
///
/// Recognised keys:
/// - `tokens=N`: answer with exactly `N` output tokens (still capped by the request's max tokens).
/// - `fault=KIND`: inject a ``FaultKind`` (`none` suppresses a configured ``FaultPlan`` fault).
/// - `count=N`, `key=K`: inject the fault only on the first `N` requests carrying key `K`.
/// - `ttft_ms=N`, `token_ms=N`: per-request time to first token and per-token latency.
///
/// Several directives may appear; later values win.
public struct SimulationDirectives: Sendable, Hashable {
    /// Exact number of output tokens requested by `tokens=N`.
    public var outputTokens: Int?
    /// The fault name requested by `fault=KIND`, lowercased (may be `none`).
    public var fault: String?
    /// How many requests carrying ``faultKey`` get the fault (`count=N`).
    public var faultCount: Int?
    /// The key that groups requests for ``faultCount`` (`key=K`).
    public var faultKey: String?
    /// Time to first token in milliseconds (`ttft_ms=N`).
    public var timeToFirstTokenMilliseconds: Int?
    /// Delay between streamed tokens in milliseconds (`token_ms=N`).
    public var perTokenMilliseconds: Int?

    /// Creates an empty set of directives.
    public init() {}

    /// Whether no directive was found.
    public var isEmpty: Bool { self == SimulationDirectives() }

    /// Finds every `[[sim:...]]` directive in `text` and records its values.
    /// - Parameter text: A piece of prompt text.
    public mutating func scan(_ text: String) {
        var text = text
        text.withUTF8 { scan(bytes: $0) }
    }

    private static let opener: [UInt8] = Array("[[sim:".utf8)

    private mutating func scan(bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        let opener = Self.opener
        guard count >= opener.count + 2 else { return }
        var index = 0
        while index + opener.count <= count {
            guard bytes[index] == UInt8(ascii: "["), bytes[index + 1] == UInt8(ascii: "[") else {
                index += 1
                continue
            }
            var matches = true
            for offset in 2..<opener.count where bytes[index + offset] != opener[offset] {
                matches = false
                break
            }
            guard matches else {
                index += 1
                continue
            }
            let start = index + opener.count
            var end = start
            while end + 1 < count, !(bytes[end] == UInt8(ascii: "]") && bytes[end + 1] == UInt8(ascii: "]")) {
                end += 1
            }
            guard end + 1 < count else { return }
            apply(body: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            index = end + 2
        }
    }

    private mutating func apply(body: String) {
        for item in body.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingSpaces().lowercased()
            let value = String(parts[1].trimmingSpaces())
            switch name {
            case "tokens": outputTokens = Int(value).map { max(0, $0) }
            case "fault": fault = value.lowercased()
            case "count": faultCount = Int(value).map { max(0, $0) }
            case "key": faultKey = value
            case "ttft_ms", "ttft": timeToFirstTokenMilliseconds = Int(value).map { max(0, $0) }
            case "token_ms": perTokenMilliseconds = Int(value).map { max(0, $0) }
            default: continue
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " { result.removeFirst() }
        while let last = result.last, last == " " { result.removeLast() }
        return result
    }
}
