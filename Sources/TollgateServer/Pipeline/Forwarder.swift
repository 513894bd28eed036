import HTTPTypes
import NIOHTTP1
import TollgateCore
import TollgateProviders

/// The forward stage: sends the call to its provider with the provider's credentials, retrying as the
/// provider's policy allows.
struct Forwarder: Sendable {
    /// A client per provider.
    let upstreams: [String: UpstreamClient]

    /// Sends the call.
    /// - Returns: How the last attempt ended, and every attempt made; nil when no client serves the model.
    func forward(_ call: OutgoingCall, incoming: HTTPFields, requestID: String) async -> (UpstreamClient.Outcome, [LedgerEntry.Attempt])? {
        guard let upstream = upstreams[call.model.provider.configuration.name] else { return nil }
        let headers = Self.headers(incoming, provider: call.model.provider, requestID: requestID)
        return await upstream.send(route: call.route, body: call.body, headers: headers)
    }

    /// The provider's headers: its credentials and version, the request id, and the caller's headers the
    /// provider is configured to receive (never the caller's own key).
    static func headers(_ incoming: HTTPFields, provider: GatewayRuntime.ResolvedProvider, requestID: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "user-agent", value: "tollgate/0.1")
        headers.add(name: "x-tollgate-request-id", value: requestID)
        switch provider.dialect {
        case .openai:
            if let key = provider.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        case .anthropic:
            if let key = provider.apiKey { headers.add(name: "x-api-key", value: key) }
            headers.add(name: "anthropic-version", value: incoming[.anthropicVersion] ?? "2023-06-01")
            if let beta = incoming[anthropicBeta] { headers.add(name: "anthropic-beta", value: beta) }
        }
        let forward = provider.configuration.forwardHeaders
        guard !forward.isEmpty else { return headers }
        for field in incoming {
            let name = field.name.canonicalName
            if neverForwarded.contains(name) { continue }
            if forward.contains(where: { $0.hasSuffix("*") ? name.hasPrefix($0.dropLast().lowercased()) : name == $0.lowercased() }) {
                headers.add(name: name, value: field.value)
            }
        }
        return headers
    }

    static let anthropicBeta = HTTPField.Name("anthropic-beta")!

    static let neverForwarded: Set<String> = [
        "authorization", "x-api-key", "host", "content-length", "content-type", "connection", "transfer-encoding",
        "anthropic-version", "anthropic-beta", "x-tollgate-request-id", "user-agent",
    ]
}
