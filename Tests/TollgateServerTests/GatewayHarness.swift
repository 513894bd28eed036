import Foundation
import Logging
import ServiceLifecycle
import Testing
import TollgateCore
import TollgateServer
import TollgateSimulator
import TollgateStore
import TollgateTestKit

@testable import TollgateCLI

/// A gateway in front of a simulator, both on free ports, with a real SQLite ledger in a temp dir.
struct GatewayHarness: Sendable {
    let simulator: SimulatorHarness
    let gateway: SimulatorHarness
    let database: LedgerDatabase
    /// The gateway's write-behind journal (``entry(_:)`` waits for it to settle).
    let journal: LedgerJournal
    let ledgerPath: String
    let governor: Governor
    /// The configuration file the gateway was started from (rewrite it and reload to test reloading).
    let configurationPath: String

    /// The configuration used; `SIM_PORT` and `LEDGER` are filled in.
    static let configurationTemplate = """
        server: {host: 127.0.0.1, port: 0, max_body_bytes: 65536}
        storage: {sqlite_path: LEDGER}
        providers:
          - name: openai-sim
            kind: openai
            base_url: http://127.0.0.1:SIM_PORT/v1
            api_key: sk-upstream-secret
            forward_headers: ["x-sim-*"]
            retries: {max_attempts: 3, initial_backoff: 20ms, max_backoff: 200ms, max_elapsed: 5s}
            timeouts: {connect: 2s, first_byte: 5s, idle_read: 5s, total: 30s}
          - {name: anthropic-sim, kind: anthropic, base_url: "http://127.0.0.1:SIM_PORT", api_key: sk-upstream-secret, forward_headers: ["x-sim-*"]}
        models:
          - {name: gpt-4o-mini, provider: openai-sim, aliases: [fast]}
          - {name: gpt-4o, provider: openai-sim}
          - {name: text-embedding-3-small, provider: openai-sim}
          - {name: claude-sonnet-4-5, provider: anthropic-sim}
          - {name: mystery-model, provider: openai-sim}
        keys:
          - {name: support-key, key: sk-test-key, org: acme, team: support, app: copilot, environment: prod, cost_center: CC-1, workflow: support-copilot}
          - {name: locked-key, key: sk-locked-key, team: legal, workflow: contract-extraction, allow_override: false}
          - {name: gpt4o-only-key, key: sk-gpt4o-only-key, team: research, allowed_models: [gpt-4o]}
        """

    /// Starts a simulator and a gateway, runs `body`, then stops both (draining the ledger).
    /// - Parameters:
    ///   - extraConfiguration: YAML appended to the template (e.g. a `governance:` section).
    ///   - extraProviders: Provider lines added to the template's `providers:`.
    ///   - extraModels: Model lines (`  - {name: ..., provider: ...}`) added to the template's `models:`.
    ///   - ledgerPath: An existing ledger to reopen (restart tests); a fresh one by default.
    ///   - clock: The gateway's clock (the system's by default).
    static func run<T: Sendable>(
        simulator configuration: SimulatorConfiguration = SimulatorConfiguration(),
        extraConfiguration: String = "",
        extraProviders: String = "",
        extraModels: String = "",
        ledgerPath existingLedger: String? = nil,
        clock: WallClock = .system,
        _ body: @Sendable (GatewayHarness) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.run(configuration) { simulator in
            let ledgerPath = try existingLedger ?? Self.freshLedgerPath()
            let template = configurationTemplate.replacingOccurrences(of: "\nkeys:\n", with: "\n" + extraModels + "\nkeys:\n")
                .replacingOccurrences(of: "\nmodels:\n", with: "\n" + extraProviders + "\nmodels:\n")
            let text = (template + "\n" + extraConfiguration).replacingOccurrences(of: "SIM_PORT", with: "\(simulator.port)")
                .replacingOccurrences(of: "LEDGER", with: ledgerPath)
            let configurationPath = URL(fileURLWithPath: ledgerPath).deletingLastPathComponent().appendingPathComponent("tollgate.yaml").path
            try text.write(toFile: configurationPath, atomically: true, encoding: .utf8)
            let runtime = try ConfigurationLoader.load(text: text, origin: "test.yaml", environment: [:])
            var logger = Logger(label: "gateway-test")
            logger.logLevel = .warning
            let server = try await GatewayServer(runtime: runtime, configurationPath: configurationPath, logger: logger, clock: clock)
            do {
                let result = try await SimulatorHarness.serving(logger: logger) { onPort in
                    server.application(logger: logger, onServerRunning: onPort)
                } body: { port in
                    try await body(
                        GatewayHarness(
                            simulator: simulator, gateway: SimulatorHarness(port: port), database: server.database, journal: server.journal,
                            ledgerPath: ledgerPath,
                            governor: server.gateway.governor, configurationPath: configurationPath))
                }
                await server.gateway.shutdown()
                return result
            } catch {
                await server.gateway.shutdown()
                throw error
            }
        }
    }

    /// A ledger path in a new temporary directory.
    static func freshLedgerPath() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("ledger.sqlite").path
    }

    /// The ledger entry for a request id, once the write-behind journal has settled.
    func entry(_ id: String?) async throws -> LedgerEntry {
        try await journal.settledEntry(id, in: database)
    }
}
