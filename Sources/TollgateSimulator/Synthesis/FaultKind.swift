import TollgateProviders

/// A failure the provider simulator can inject instead of (or in the middle of) a normal answer.
///
/// Chosen per request by the `x-sim-fault` header, by a `[[sim:fault=KIND]]` prompt directive, or at
/// random by a ``FaultPlan``. The raw values are the names used in headers, directives and configuration.
public enum FaultKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// HTTP 429 with `retry-after` and `retry-after-ms` headers and a rate-limit error body.
    case rateLimit = "rate_limit"
    /// HTTP 500 with an API error body.
    case serverError = "server_error"
    /// HTTP 529 (Anthropic) or 503 (OpenAI) with an overloaded error body.
    case overloaded
    /// Accept the request and send nothing (not even a status line) until the client gives up, or ten minutes.
    case stall
    /// Abort the connection halfway: about half the stream's token events, or half the body, then a reset.
    case disconnect
    /// Streaming only: about half the token events, then an in-stream error event
    /// (OpenAI `data: {"error":...}`, Anthropic `event: error`), and the stream ends without usage.
    case streamError = "stream_error"

    /// Parses a kind from a header or directive value (case-insensitive; `-` is accepted for `_`).
    /// - Parameter name: The kind's name, such as `rate_limit`.
    /// - Returns: The kind, or `nil` when the name is unknown (including `none`).
    public init?(name: some StringProtocol) {
        let normalized = name.lowercased().replacing("-", with: "_")
        self.init(rawValue: normalized)
    }
}
