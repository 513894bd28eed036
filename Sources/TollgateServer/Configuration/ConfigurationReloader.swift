import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import TollgateCore
import UnixSignals

/// Reloads governance (budgets, limits, policies, kill switches, the workflow registry), the levers
/// and the configuration file's keys without a restart: on SIGHUP, when the file changes (checked every
/// two seconds), or on `POST /admin/v1/reload`. A file with any problem is rejected whole and the
/// rules in force stay; providers, models, server and storage changes need a restart.
public final class ConfigurationReloader: Service, Sendable {
    /// Reads and validates the configuration file at a path; throws every problem of the file.
    public typealias Loader = @Sendable (_ path: String) throws -> GatewayRuntime

    let path: String
    let load: Loader
    let gateway: Gateway
    let logger: Logger
    let signature: Mutex<String?>

    /// Creates a reloader of the file at `path` for `gateway`.
    /// - Parameter load: How the file is read (the CLI's YAML loader).
    public init(path: String, load: @escaping Loader, gateway: Gateway, logger: Logger) {
        self.path = path
        self.load = load
        self.gateway = gateway
        self.logger = logger
        self.signature = Mutex(Self.signature(path))
    }

    /// Reloads now; returns a summary of what is in force, or throws every problem found.
    public func reload() async throws -> String {
        signature.withLock { $0 = Self.signature(path) }
        let runtime: GatewayRuntime
        do {
            runtime = try load(path)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(issues: [.init(path: path, message: "\(error)")])
        }
        let running = gateway.runtime
        let rules = try GovernanceRules(
            runtime.configuration.governance, models: Set(running.models.keys), providers: Set(running.providers.keys))
        try await gateway.governor.reload(rules, nowMs: gateway.clock.nowMs())
        gateway.keys.replaceConfigured(runtime.principals)
        gateway.levers.reload(runtime.configuration.levers)
        let g = runtime.configuration.governance
        var summary =
            "\(g.budgets.count) budgets, \(g.rateLimits.count) rate limits, \(g.agentLimits.count) agent limits, \(g.policies.count) policies, \(g.killSwitches.count) kill switches, \(g.workflows.count) workflows, \(runtime.principals.count) keys, \(runtime.configuration.levers.cache.rules.count) cache rules"
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

    public func run() async throws {
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
