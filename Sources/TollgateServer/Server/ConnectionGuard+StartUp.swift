public import Logging
public import TollgateCore

extension ConnectionGuard {
    /// The guard for a gateway's listener: raises the open-file limit to the hard limit, derives the
    /// connection limit from it unless `server.max_connections` is set, and logs what it found.
    /// - Parameters:
    ///   - server: The configuration's `server` section.
    ///   - logger: Logger.
    /// - Returns: The guard to serve the application with (``ApplicationProtocol/guarded(by:)``).
    public static func startUp(_ server: GatewayConfiguration.Server, logger: Logger) -> ConnectionGuard {
        let files = OpenFileLimit.raiseToHardLimit()
        if let files {
            let message: Logger.Message = files.new > files.old ? "raised the open-file limit" : "open-file limit"
            logger.info(message, metadata: ["old": "\(files.old)", "new": "\(files.new)", "hard": "\(files.hard)"])
        }
        let softLimit = files?.new ?? 1_024
        let limits = ConnectionLimits(server: server, openFileLimit: softLimit)
        if limits.maxConnections > softLimit - ConnectionLimits.reservedFileDescriptors {
            logger.warning(
                "server.max_connections leaves too few file descriptors for upstream calls and the ledger",
                metadata: ["max_connections": "\(limits.maxConnections)", "open_file_limit": "\(softLimit)"])
        }
        if let cap = ListenBacklog.kernelCap, cap < server.listenBacklog {
            logger.warning(
                "the kernel caps the listen backlog below server.listen_backlog (raise net.core.somaxconn)",
                metadata: ["listen_backlog": "\(server.listenBacklog)", "somaxconn": "\(cap)"])
        }
        logger.debug(
            "connection limits",
            metadata: [
                "max_connections": "\(limits.maxConnections)", "listen_backlog": "\(server.listenBacklog)",
                "header_timeout": "\(limits.headerTimeout)", "idle_timeout": "\(limits.idleTimeout)",
                "body_timeout": "\(limits.bodyTimeout)", "shutdown_grace": "\(limits.shutdownGrace)",
            ])
        return ConnectionGuard(limits: limits, logger: logger)
    }
}
