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
    let reloader: ConfigurationReloader?
    /// The listener's connection limit and time-outs (the open-file limit is raised when it is made).
    let connections: ConnectionGuard

    /// Opens the ledger, recovers admissions a crash left open, and builds the pipeline.
    /// - Parameters:
    ///   - runtime: The resolved configuration.
    ///   - configurationPath: The file it came from, watched for governance changes; nil disables reloading.
    ///   - now: The start-up time: recovered calls are dated with it and budgets load the spend of the periods
    ///     containing it (tests pin it).
    ///   - logger: Logger.
    ///   - clock: The clock calls are dated with (tests move it to expire cached answers).
    init(runtime: GatewayRuntime, configurationPath: String? = nil, now: Date = Date(), logger: Logger, clock: WallClock = .system) async throws {
        // First, so the open-file limit is raised before the ledger, its log and the listener take descriptors.
        let connections = ConnectionGuard.startUp(runtime.configuration.server, logger: logger)
        let nowMs = Int64((now.timeIntervalSince1970 * 1_000).rounded(.down))
        let storage = runtime.configuration.storage
        let database = try LedgerDatabase.open(path: storage.sqlitePath)
        let catalog = try await CatalogLoader.catalog(configuration: runtime.configuration, database: database, record: true)
        let pricer = LedgerPricer(catalog: catalog)
        let logDirectory = storage.sqlitePath + ".admissions"
        let open = AdmissionLog.pending(in: logDirectory)
        let recovered = try await database.recover(open, pricer: pricer, nowMs: nowMs)
        AdmissionLog.clear(logDirectory)
        let admissions = try AdmissionLog(directory: logDirectory)
        if recovered > 0 {
            logger.warning("recovered in-flight calls from an unclean stop as estimated entries", metadata: ["entries": "\(recovered)"])
        }
        let journal = LedgerJournal(
            store: database, admissions: admissions, configuration: .init(capacity: storage.queueCapacity, batchSize: storage.batchSize),
            logger: logger)
        self.runtime = runtime
        self.database = database
        self.journal = journal
        self.catalog = catalog
        self.recovered = recovered
        // Budgets start from the spend already in the ledger (recovered calls included).
        let governor = try await Governor(rules: runtime.governance, catalog: catalog, source: database, nowMs: nowMs)
        for kill in try await database.killSwitches() { governor.setKillSwitch(kill) }
        let managedKeys = try await database.keys()
        let gateway = try Gateway(
            runtime: runtime, ledger: journal, pricer: pricer, metrics: GatewayMetrics(),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger, governor: governor, events: database,
            managedKeys: managedKeys, clock: clock)
        self.gateway = gateway
        self.reloader = configurationPath.map {
            ConfigurationReloader(path: $0, load: { try ConfigurationLoader.load(path: $0) }, gateway: gateway, logger: logger)
        }
        self.connections = connections
    }

    /// The application, with the journal as its first service (so it stops last and drains), alert
    /// delivery next (so queued alerts are kept before the journal closes) and the upstream pools
    /// (which close once the server has finished its calls), served with
    /// the connection limit and time-outs of ``connections``.
    func application(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let journal = journal
        let reloader = reloader
        var reload: (@Sendable () async throws -> String)?
        var services: [any Service] = [journal, gateway.alerts, gateway.upstreams]
        if let reloader {
            reload = { try await reloader.reload() }
            services.append(reloader)
        }
        let admin = AdminAPI(store: database, reload: reload)
        return buildGatewayApplication(
            gateway: gateway, services: services, isReady: { journal.isAccepting },
            onServerRunning: onServerRunning, admin: admin, logger: logger, outcomes: database
        ).guarded(by: connections)
    }

    /// Runs until SIGINT/SIGTERM, then drains and closes.
    func run(
        logger: Logger, extraServices: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    )
        async throws
    {
        let app = application(logger: logger, onServerRunning: onServerRunning)
        let group = ServiceGroup(
            configuration: .init(
                services: extraServices + [app, ShutdownNotice(logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Builds the process logger.
func makeLogger(_ label: String, level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? level
    return logger
}
