public import Logging
public import NIOCore
public import ServiceLifecycle
import TollgateCore

/// The gateway's upstream clients, one per configured provider, as a `Service` of the gateway's one
/// `ServiceGroup`: their keep-alive connection pools live until graceful shutdown (or cancellation),
/// then close. List it before the HTTP server in the group (services stop in reverse order), so that
/// it stops after the server has finished the calls in flight.
public final class UpstreamPools: Service, Sendable {
    /// The client of each provider, by provider name.
    let clients: [String: UpstreamClient]

    /// Creates a client (and its pool) for each provider.
    /// - Parameters:
    ///   - providers: The resolved providers, by name.
    ///   - eventLoopGroup: Where their connections run.
    ///   - logger: Where a change in a provider's reachability is logged.
    /// - Throws: ``ConfigurationError`` when a provider's base URL is not an `http` or `https` URL, or its TLS context cannot be created.
    public init(providers: [String: GatewayRuntime.ResolvedProvider], eventLoopGroup: any EventLoopGroup, logger: Logger) throws {
        var clients: [String: UpstreamClient] = [:]
        for (name, provider) in providers {
            clients[name] = try UpstreamClient(provider: provider, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        self.clients = clients
    }

    /// The names of the providers served.
    var providerNames: Set<String> { Set(clients.keys) }

    /// Keeps the pools open until graceful shutdown or cancellation, then closes them.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes every pool's idle connections; connections in use close when their exchange ends. Safe to call more than once.
    public func shutdown() async {
        for client in clients.values { await client.shutdown() }
    }
}
