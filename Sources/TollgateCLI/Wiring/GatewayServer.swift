import Foundation
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import TollgateCore
import TollgateServer
import TollgateStore
import UnixSignals

/// Wires a configured gateway: ledger database, crash recovery, journal, pipeline, HTTP app.
struct GatewayServer {
    let runtime: GatewayRuntime
    let database: LedgerDatabase
    let journal: LedgerJournal
    let gateway: Gateway
    let catalog: PriceCatalog
    let recovered: Int

    /// Opens the ledger, recovers admissions a crash left open, and builds the pipeline.
    init(runtime: GatewayRuntime, logger: Logger) throws {
        let storage = runtime.configuration.storage
        let database = try LedgerDatabase.open(path: storage.sqlitePath)
        let catalog = try CatalogLoader.catalog(configuration: runtime.configuration, database: database)
        let pricer = LedgerPricer(catalog: catalog)
        let logDirectory = storage.sqlitePath + ".admissions"
        let open = AdmissionLog.pending(in: logDirectory)
        let recovered = try database.recover(open, pricer: pricer, nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
        AdmissionLog.clear(logDirectory)
        let admissions = try AdmissionLog(directory: logDirectory)
        if recovered > 0 {
            logger.warning("recovered in-flight calls from an unclean stop as estimated entries", metadata: ["entries": "\(recovered)"])
        }
        let journal = LedgerJournal(
            database: database, admissions: admissions, configuration: .init(capacity: storage.queueCapacity, batchSize: storage.batchSize), logger: logger)
        self.runtime = runtime
        self.database = database
        self.journal = journal
        self.catalog = catalog
        self.recovered = recovered
        self.gateway = Gateway(
            runtime: runtime, ledger: journal, pricer: pricer, metrics: GatewayMetrics(),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    /// The application, with the journal as its first service (so it stops last and drains).
    func application(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let journal = journal
        return buildGatewayApplication(
            gateway: gateway, services: [journal], isReady: { journal.isAccepting }, onServerRunning: onServerRunning, logger: logger,
            outcomes: database)
    }

    /// Runs until SIGINT/SIGTERM, then drains and closes.
    func run(logger: Logger, extraServices: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        async throws
    {
        let app = application(logger: logger, onServerRunning: onServerRunning)
        let group = ServiceGroup(
            configuration: .init(services: extraServices + [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await gateway.shutdown()
            throw error
        }
        await gateway.shutdown()
    }
}

/// Builds the process logger.
func makeLogger(_ label: String, level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
    return logger
}
