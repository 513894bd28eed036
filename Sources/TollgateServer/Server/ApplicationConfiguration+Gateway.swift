public import Hummingbird
public import TollgateCore

extension ApplicationConfiguration {
    /// The listener a gateway's `server` section describes: address, port and listen backlog.
    ///
    /// The kernel caps the backlog (Linux: `net.core.somaxconn`; see `docs/operations.md`).
    /// - Parameter server: The configuration's `server` section.
    public static func gateway(_ server: GatewayConfiguration.Server) -> ApplicationConfiguration {
        ApplicationConfiguration(address: .hostname(server.host, port: server.port), serverName: nil, backlog: server.listenBacklog)
    }
}
