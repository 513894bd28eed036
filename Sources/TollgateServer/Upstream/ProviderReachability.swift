import Logging
import Synchronization

/// Logs a provider's reachability when it changes: once when calls to it start failing to connect,
/// once when it answers again — not once per failed call. Only the provider's name and address are
/// logged (never its API key or the request).
final class ProviderReachability: Sendable {
    private let provider: String
    private let address: String
    private let logger: Logger
    private let unreachable = Atomic<Bool>(false)

    /// Creates the tracker for one provider at `address` (`scheme://host:port`, no credentials).
    init(provider: String, address: String, logger: Logger) {
        self.provider = provider
        self.address = address
        self.logger = logger
    }

    /// Notes the final outcome of a call: `failure` is the transport error label when it failed, or nil
    /// when the provider answered (any HTTP status).
    func note(failure: String?) {
        let connectFailure = failure.map(Self.isConnectFailure) ?? false
        if failure != nil, !connectFailure { return }
        // One atomic compare-and-swap per call: only the call that changes the state logs.
        guard unreachable.compareExchange(expected: !connectFailure, desired: connectFailure, ordering: .relaxed).exchanged else { return }
        if let failure, connectFailure {
            logger.warning(
                "provider unreachable; calls to its models fail with 502 until it answers (logged once)",
                metadata: ["provider": "\(provider)", "address": "\(address)", "error": "\(failure)"])
        } else {
            logger.notice("provider reachable again", metadata: ["provider": "\(provider)", "address": "\(address)"])
        }
    }

    /// Whether a transport error label means the provider could not be reached at all.
    static func isConnectFailure(_ label: String) -> Bool {
        label == UpstreamError.connectFailed.label || label == UpstreamError.connectTimeout.label
    }
}
