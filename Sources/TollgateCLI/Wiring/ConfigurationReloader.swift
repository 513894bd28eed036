import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TollgateCore
import TollgateServer
import UnixSignals

/// Reloads governance (budgets, limits, policies, kill switches, the workflow registry) and the
/// configuration file's keys without a restart: on SIGHUP, when the file changes (checked every
/// two seconds), or on `POST /admin/v1/reload`. A file with any problem is rejected whole and the
/// rules in force stay; providers, models, server and storage changes need a restart.
final class ConfigurationReloader: Service, Sendable {
    let path: String
    let gateway: Gateway
    let logger: Logger
    let signature: Mutex<String?>

    init(path: String, gateway: Gateway, logger: Logger) {
        self.path = path
        self.gateway = gateway
        self.logger = logger
        self.signature = Mutex(Self.signature(path))
    }

    /// Reloads now; returns a summary of what is in force, or throws every problem found.
    func reload() async throws -> String {
        signature.withLock { $0 = Self.signature(path) }
        let runtime: GatewayRuntime
        do {
            runtime = try ConfigurationLoader.load(path: path)
        } catch let error as ConfigurationLoader.LoadError {
            throw ConfigurationError(issues: [.init(path: path, message: error.description)])
        }
        let running = gateway.runtime
        let rules = try GovernanceRules(
            runtime.configuration.governance, models: Set(running.models.keys), providers: Set(running.providers.keys))
        try await gateway.governor.reload(rules, nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
        gateway.keys.replaceConfigured(runtime.principals)
        let g = runtime.configuration.governance
        var summary =
            "\(g.budgets.count) budgets, \(g.rateLimits.count) rate limits, \(g.agentLimits.count) agent limits, \(g.policies.count) policies, \(g.killSwitches.count) kill switches, \(g.workflows.count) workflows, \(runtime.principals.count) keys"
        let old = running.configuration
        let new = runtime.configuration
        if old.providers != new.providers || old.models != new.models || old.server != new.server || old.storage != new.storage
            || old.pricing != new.pricing
        {
            summary += "; changes to providers, models, pricing, server or storage take effect at the next restart"
        }
        logger.info("configuration reloaded", metadata: ["file": "\(path)", "in_force": "\(summary)"])
        return summary
    }

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Runs until graceful shutdown cancels it; neither loop ends on its own, so the reloader never
        // stops the service group early.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups { await self.reloadLogging(reason: "SIGHUP") }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        if Task.isCancelled { break }
                        let now = Self.signature(self.path)
                        let changed = self.signature.withLock { $0 != now }
                        if changed { await self.reloadLogging(reason: "file changed") }
                    }
                }
                await group.waitForAll()
            }
        }
    }

    func reloadLogging(reason: String) async {
        do {
            _ = try await reload()
        } catch {
            logger.error("configuration reload rejected; the rules in force stay", metadata: ["reason": "\(reason)", "problems": "\(error)"])
        }
    }

    /// Modification time and size: a change to either triggers a reload.
    static func signature(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return "\(date)/\(size)"
    }
}
