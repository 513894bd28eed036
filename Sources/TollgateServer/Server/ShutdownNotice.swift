public import Logging
public import ServiceLifecycle

/// Logs the moment a graceful shutdown begins (SIGTERM or SIGINT), before the listener drains.
///
/// Put it last in the process's `ServiceGroup`: services are told to stop from the last to the first,
/// so it speaks as soon as the signal arrives, then the server finishes its in-flight calls and the
/// ledger journal writes what is queued (it logs when it has).
public struct ShutdownNotice: Service {
    private let logger: Logger

    /// Creates the notice.
    public init(logger: Logger) {
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: no new calls; finishing in-flight calls, then writing the ledger")
    }
}
