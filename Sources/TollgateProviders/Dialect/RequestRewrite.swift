import Foundation

/// The changes the gateway makes to a request body before forwarding it; everything else passes
/// through byte for byte, unknown fields included.
public enum RequestRewrite {
    /// Prepares the upstream body.
    /// - Parameters:
    ///   - body: The caller's body.
    ///   - route: The route.
    ///   - probe: What was read from the body.
    ///   - upstreamModel: The model name to send upstream.
    ///   - maxTokens: The output cap the call must carry (policy default or clamp, or a strict budget's bound);
    ///     nil leaves the caller's value alone.
    ///   - maxTokensKey: The field to add when the caller sent none (`max_tokens`, or `max_completion_tokens` for OpenAI).
    /// - Returns: The rewritten body, or nil when the caller's bytes can be forwarded as they are.
    public static func rewritten(
        _ body: [UInt8], route: RouteKind, probe: RequestProbe, upstreamModel: String, maxTokens: Int? = nil,
        maxTokensKey: String = "max_tokens"
    ) -> [UInt8]? {
        let needsUsage = route == .chatCompletions && probe.stream && !probe.clientRequestedStreamUsage
        let renames = upstreamModel != probe.model
        let caps = maxTokens != nil && maxTokens != probe.maxTokens && route != .embeddings
        if !needsUsage && !renames && !caps { return nil }
        if needsUsage && !renames && !caps && !probe.hasStreamOptions, let brace = body.firstIndex(of: UInt8(ascii: "{")) {
            var out = [UInt8]()
            out.reserveCapacity(body.count + injection.count)
            out.append(contentsOf: body[...brace])
            out.append(contentsOf: injection)
            out.append(contentsOf: body[(brace + 1)...])
            return out
        }
        guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return body }
        if renames { object["model"] = upstreamModel }
        if caps, let maxTokens {
            let present = ["max_completion_tokens", "max_tokens"].filter { object[$0] != nil && !(object[$0] is NSNull) }
            for key in present.isEmpty ? [maxTokensKey] : present { object[key] = maxTokens }
        }
        if needsUsage {
            var options = object["stream_options"] as? [String: Any] ?? [:]
            options["include_usage"] = true
            object["stream_options"] = options
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return body }
        return [UInt8](data)
    }

    private static let injection: [UInt8] = Array("\"stream_options\":{\"include_usage\":true},".utf8)
}
