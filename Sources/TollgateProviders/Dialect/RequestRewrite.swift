import TollgateCore

/// The changes the gateway makes to a request body before forwarding it, made surgically: each
/// edited value is replaced where it stands (or its member inserted after the opening brace), and
/// every other byte — key order, whitespace, escapes, unknown fields — passes through as sent.
public enum RequestRewrite {
    /// Prepares the upstream body.
    /// - Parameters:
    ///   - body: The caller's body (after redaction, if any), valid JSON as the probe found it.
    ///   - route: The route.
    ///   - probe: What was read from the body.
    ///   - upstreamModel: The model name to send upstream.
    ///   - maxTokens: The output cap the call must carry (policy default or clamp, or a strict budget's bound);
    ///     nil leaves the caller's value alone.
    ///   - maxTokensKey: The field to add when the caller sent none (`max_tokens`, or `max_completion_tokens` for
    ///     OpenAI chat; the Responses API always uses `max_output_tokens`).
    /// - Returns: The rewritten body, or nil when the caller's bytes can be forwarded as they are.
    public static func rewritten(
        _ body: [UInt8], route: RouteKind, probe: RequestProbe, upstreamModel: String, maxTokens: Int? = nil,
        maxTokensKey: String = "max_tokens"
    ) -> [UInt8]? {
        let needsUsage = route == .chatCompletions && probe.stream && !probe.clientRequestedStreamUsage
        let renames = upstreamModel != probe.model
        let caps = maxTokens != nil && maxTokens != probe.maxTokens && route.hasOutput
        if !needsUsage && !renames && !caps { return nil }
        guard let document = try? JSONDocument(parsing: body), document.root.kind == .object else { return nil }
        let root = document.root
        var edits = JSONEdits(document)
        if renames { edits.set("model", to: Array(JSONText.quote(upstreamModel).utf8), in: root) }
        if caps, let maxTokens {
            let present = route.maxTokensKeys.filter { root[$0].map { !$0.isNull } ?? false }
            let added = route == .responses ? "max_output_tokens" : maxTokensKey
            for key in present.isEmpty ? [added] : present { edits.set(key, to: Array(String(maxTokens).utf8), in: root) }
        }
        if needsUsage {
            if let options = root["stream_options"], options.kind == .object {
                edits.set("include_usage", to: Array("true".utf8), in: options)
            } else {
                edits.set("stream_options", to: Array("{\"include_usage\":true}".utf8), in: root)
            }
        }
        return edits.applied()
    }
}
