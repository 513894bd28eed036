import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TollgateCore
import TollgateServer
import TollgateSimulator
import UnixSignals

/// `tollgate demo`: the gateway, the provider simulator and live traffic for five workflows.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gateway on the built-in simulator with live traffic for five workflows (no API key needed).")

    @Option(help: "Gateway port.")
    var port: Int = 8080

    @Option(help: "Simulator port.")
    var simulatorPort: Int = 9090

    @Option(help: "Directory for the demo's ledger and configuration.")
    var dir: String = "tollgate-demo"

    @Option(help: "Requests per second the traffic generator sends (0 = none).")
    var rate: Double = 4

    @Flag(inversion: .prefixedNo, help: "Seed 90 days of synthetic history when the ledger is empty.")
    var history = true

    func run() async throws {
        let logger = makeLogger("tollgate", level: .warning)
        try ListenAddressCheck.requireFree(host: "127.0.0.1", port: port, flag: "--port")
        try ListenAddressCheck.requireFree(host: "127.0.0.1", port: simulatorPort, flag: "--simulator-port")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let configPath = (dir as NSString).appendingPathComponent("tollgate.yaml")
        let dbPath = (dir as NSString).appendingPathComponent("ledger.sqlite")
        try DemoScenario.configuration(port: port, simulatorPort: simulatorPort, sqlitePath: dbPath)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let runtime = try loadRuntime(configPath)
        if history { try await DemoHistorySeeder.seedIfEmpty(path: dbPath) }
        let server = try await GatewayServer(runtime: runtime, configurationPath: configPath, logger: logger)

        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.port = simulatorPort
        simulatorConfiguration.timeToFirstToken = .milliseconds(120)
        simulatorConfiguration.perTokenLatency = .milliseconds(8)
        let simulator = buildSimulatorApplication(configuration: simulatorConfiguration, logger: logger)
        let traffic = DemoTraffic(gatewayURL: "http://127.0.0.1:\(port)", rate: rate, logger: logger)

        let invocation = DemoBanner.invocation(
            argument0: CommandLine.arguments.first ?? "tollgate", currentDirectory: FileManager.default.currentDirectoryPath)
        let month = String(CivilDate.format(unixSeconds: Int64(Date().timeIntervalSince1970)).prefix(7))
        let gatewayApp = server.application(logger: logger) { boundPort in
            writeLine(
                DemoBanner.text(
                    invocation: invocation, port: boundPort, simulatorPort: simulatorPort, configPath: configPath, dbPath: dbPath, month: month))
        }
        let services: [any Service] = [simulator, gatewayApp, traffic, DemoStatus(dbPath: dbPath)]
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch  where ListenAddressCheck.isAddressInUse(error) {
            throw StartUpError(
                "cannot listen on 127.0.0.1:\(port) or :\(simulatorPort): the address is already in use. Choose others with --port and --simulator-port."
            )
        }
        print("\nstopped; the ledger is kept in \(dbPath)")
    }
}

/// The demo's organisation: five workflows, their teams, keys and models.
enum DemoScenario {
    struct Workflow: Sendable {
        var name: String
        var team: String
        var key: String
        var models: [String]
        var route: String
        var customers: [String]
        var streamShare: Double
    }

    static let workflows: [Workflow] = [
        Workflow(
            name: "support-copilot", team: "support", key: "sk-demo-support", models: ["gpt-4o-mini", "gpt-4o"], route: "chat",
            customers: ["acme", "globex", "initech", "umbrella"], streamShare: 0.7),
        Workflow(
            name: "contract-extraction", team: "legal", key: "sk-demo-legal", models: ["claude-sonnet-4-5"], route: "messages",
            customers: ["acme", "hooli"], streamShare: 0.2),
        Workflow(
            name: "sales-research-agent", team: "sales", key: "sk-demo-sales", models: ["o3-mini", "gpt-4o-mini"], route: "chat",
            customers: ["globex", "hooli", "stark"], streamShare: 0.3),
        Workflow(
            name: "knowledge-bot", team: "it", key: "sk-demo-it", models: ["claude-haiku-4-5", "text-embedding-3-small"], route: "mixed",
            customers: [], streamShare: 0.5),
        Workflow(
            name: "marketing-drafting", team: "marketing", key: "sk-demo-marketing", models: ["gpt-4o", "claude-sonnet-4-5"], route: "mixed",
            customers: [], streamShare: 0.8),
    ]

    /// One virtual key per workflow, as configuration.
    static var workflowKeys: String {
        var keys = ""
        for w in workflows {
            keys += """
                  - name: \(w.team)-\(w.name)
                    key: \(w.key)
                    org: demo-corp
                    team: \(w.team)
                    app: \(w.name)
                    environment: prod
                    cost_center: CC-\(w.team.uppercased())
                    workflow: \(w.name)

                """
        }
        return keys
    }

    /// The demo's levers: the knowledge bot's response cache and the support copilot's routing rule.
    static var leversYAML: String {
        """
        levers:
          cache:
            rules:
              - { name: \(DemoHistory.Rules.cache.name), match: { workflow: knowledge-bot }, ttl: 1h }
          routing:
            rules:
              - { name: \(DemoHistory.Rules.routing.name), match: { workflow: support-copilot, model: gpt-4o }, max_input_tokens: 2500, to: gpt-4o-mini }
        """
    }

    /// The demo's configuration: the simulator as both providers, the keys, and the governance the history plays out.
    static func configuration(port: Int, simulatorPort: Int, sqlitePath: String) -> String {
        """
        # Generated by `tollgate demo`: the gateway in front of the built-in simulator.
        server:
          host: 127.0.0.1
          port: \(port)
        storage:
          sqlite_path: \(sqlitePath)
        providers:
          - name: openai-sim
            kind: openai
            base_url: http://127.0.0.1:\(simulatorPort)/v1
            api_key: sk-simulator
            forward_headers: ["x-sim-*"]
          - name: anthropic-sim
            kind: anthropic
            base_url: http://127.0.0.1:\(simulatorPort)
            api_key: sk-simulator
            forward_headers: ["x-sim-*"]
        models:
          - { name: gpt-4o-mini, provider: openai-sim, aliases: [fast] }
          - { name: gpt-4o, provider: openai-sim }
          - { name: o3-mini, provider: openai-sim }
          - { name: text-embedding-3-small, provider: openai-sim }
          - { name: claude-sonnet-4-5, provider: anthropic-sim }
          - { name: claude-haiku-4-5, provider: anthropic-sim }
        keys:
          - name: demo
            key: sk-demo-key
            team: platform
            app: playground
            environment: dev
        \(workflowKeys)
          - { name: \(DemoHistory.Rules.bulkRateLimit.keyName), key: \(bulkKey), org: demo-corp, team: it, app: knowledge-bot, environment: prod, cost_center: CC-IT, workflow: knowledge-bot }
          - { name: \(DemoHistory.Rules.unregisteredKey.name), key: \(batchKey), org: demo-corp, team: data, app: batch-eval, environment: prod, cost_center: CC-DATA }
        admin:
          key: \(adminKey)
        \(leversYAML)
        governance:
          time_zone: UTC
          budgets:
        \(budgets)
          rate_limits:
            - { name: per-key, scope: { key: "*" }, requests_per_minute: 1200, tokens_per_minute: 2000000 }
            - { name: \(DemoHistory.Rules.bulkRateLimit.name), scope: { key: \(DemoHistory.Rules.bulkRateLimit.keyName) }, requests_per_minute: \(DemoHistory.Rules.bulkRateLimit.requestsPerMinute) }
          agent_limits:
            - { name: \(DemoHistory.Rules.agentLimit.name), scope: { workflow: \(DemoHistory.Rules.agentLimit.workflow) }, max_calls: \(DemoHistory.Rules.agentLimit.maxCalls), max_cost_usd: "2", max_duration: 30m }
          policies:
            - name: \(DemoHistory.Rules.policy)
              match: { environment: prod }
              require_registered_workflow: true
              max_output_tokens: 4096
              redact: true
          workflows:
        \(registry)
        """
    }

    /// The bulk re-index key of the knowledge bot (its own rate limit) and the key of a batch job that sends no workflow.
    static let bulkKey = "sk-demo-it-bulk"
    static let batchKey = "sk-demo-batch"

    /// The history's budgets (``DemoHistory/Rules/budgets``) as configuration.
    static var budgets: String {
        DemoHistory.Rules.budgets.map { b in
            let action = b.downgradeTo.map { ", action: downgrade, downgrade_to: \($0)" } ?? ""
            return "    - { name: \(b.name), scope: { \(b.dimension): \(b.value) }, period: \(b.period), "
                + "limit_usd: \"\(Money.format(nanoUSD: b.limitNanoUSD))\", mode: \(b.mode), thresholds: \(b.thresholds)\(action) }"
        }.joined(separator: "\n")
    }

    /// The demo's admin key (the admin API and `tollgate keys`, `tollgate budgets`, `tollgate kill-switch`).
    static let adminKey = "demo-admin-key-0123456789"

    static var registry: String {
        workflows.map { w in
            "    - { name: \(w.name), owner: \(w.team)-lead@demo-corp.example, team: \(w.team), cost_center: CC-\(w.team.uppercased()) }"
        }.joined(separator: "\n")
    }
}
