import NIOHTTP1
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TollgateCore
import TollgateServer
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
        if history { try DemoHistorySeeder.seedIfEmpty(path: dbPath) }
        let server = try GatewayServer(runtime: runtime, configurationPath: configPath, logger: logger)

        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.port = simulatorPort
        simulatorConfiguration.timeToFirstToken = .milliseconds(120)
        simulatorConfiguration.perTokenLatency = .milliseconds(8)
        let simulator = buildSimulatorApplication(configuration: simulatorConfiguration, logger: logger)
        let traffic = DemoTraffic(gatewayURL: "http://127.0.0.1:\(port)", rate: rate, logger: logger)

        let gatewayApp = server.application(logger: logger) { boundPort in
            writeLine(DemoScenario.banner(port: boundPort, simulatorPort: simulatorPort, configPath: configPath, dbPath: dbPath))
        }
        let group = ServiceGroup(
            configuration: .init(services: [simulator, gatewayApp, traffic], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch where ListenAddressCheck.isAddressInUse(error) {
            await server.gateway.shutdown()
            throw StartUpError("cannot listen on 127.0.0.1:\(port) or :\(simulatorPort): the address is already in use. Choose others with --port and --simulator-port.")
        }
        await server.gateway.shutdown()
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

    static func configuration(port: Int, simulatorPort: Int, sqlitePath: String) -> String {
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
        return """
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
            \(keys)
            admin:
              key: \(adminKey)
            governance:
              time_zone: UTC
              budgets:
                - { name: demo-corp-monthly, scope: { org: demo-corp }, period: month, limit_usd: "25000", thresholds: [50, 80, 100] }
                - { name: per-team-daily, scope: { team: "*" }, period: day, limit_usd: "500", mode: estimate }
                - { name: gpt-4o-daily, scope: { model: gpt-4o }, period: day, limit_usd: "200", action: downgrade, downgrade_to: gpt-4o-mini }
              rate_limits:
                - { name: per-key, scope: { key: "*" }, requests_per_minute: 1200, tokens_per_minute: 2000000 }
              agent_limits:
                - { name: research-task, scope: { workflow: sales-research-agent }, max_calls: 25, max_cost_usd: "2", max_duration: 30m }
              policies:
                - name: prod
                  match: { environment: prod }
                  require_registered_workflow: true
                  max_output_tokens: 4096
                  redact: true
              workflows:
            \(registry)
            """
    }

    /// The demo's admin key (the admin API and `tollgate keys`, `tollgate budgets`, `tollgate kill-switch`).
    static let adminKey = "demo-admin-key-0123456789"

    static var registry: String {
        workflows.map { w in
            "    - { name: \(w.name), owner: \(w.team)-lead@demo-corp.example, team: \(w.team), cost_center: CC-\(w.team.uppercased()) }"
        }.joined(separator: "\n")
    }

    static func banner(port: Int, simulatorPort: Int, configPath: String, dbPath: String) -> String {
        """

        Tollgate demo is running.
          gateway     http://127.0.0.1:\(port)   (OpenAI: /v1/chat/completions, /v1/embeddings, /v1/models; Anthropic: /v1/messages)
          simulator   http://127.0.0.1:\(simulatorPort)   (the upstream: OpenAI and Anthropic dialects, no API key)
          metrics     http://127.0.0.1:\(port)/metrics
          config      \(configPath)
          ledger      \(dbPath)
        Live traffic: support-copilot, contract-extraction, sales-research-agent, knowledge-bot, marketing-drafting.

        Try it:
          curl -s http://127.0.0.1:\(port)/v1/chat/completions -H 'Authorization: Bearer sk-demo-key' \\
            -H 'Content-Type: application/json' -H 'x-tollgate-workflow: playground' \\
            -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}' -D - 

          python3 -c 'from openai import OpenAI; c = OpenAI(base_url="http://127.0.0.1:\(port)/v1", api_key="sk-demo-key"); \\
            print(c.chat.completions.create(model="gpt-4o-mini", messages=[{"role":"user","content":"Hello"}]).usage)'

        In another terminal:
          tollgate ledger tail --db \(dbPath)
          tollgate report spend --by workflow --db \(dbPath)
          tollgate budgets --url http://127.0.0.1:\(port) --admin-key \(adminKey)
          tollgate kill-switch set workflow marketing-drafting --reason "demo" --url http://127.0.0.1:\(port) --admin-key \(adminKey)

        Ctrl-C stops it.
        """
    }
}

/// Sends a steady mix of calls for the five demo workflows.
struct DemoTraffic: Service {
    let gatewayURL: String
    let rate: Double
    let logger: Logger

    func run() async throws {
        guard rate > 0 else {
            try? await gracefulShutdown()
            return
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var generator = SystemRandomNumberGenerator()
        let interval = Duration.milliseconds(Int64(1_000 / rate))
        try? await Task.sleep(for: .milliseconds(500))
        await withDiscardingTaskGroup { group in
            var n = 0
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                n += 1
                let workflow = DemoScenario.workflows[Int.random(in: 0..<DemoScenario.workflows.count, using: &generator)]
                let call = DemoTraffic.call(for: workflow, number: n, generator: &generator)
                group.addTask {
                    var request = HTTPClientRequest(url: gatewayURL + call.path)
                    request.method = .POST
                    request.headers.add(name: "authorization", value: "Bearer \(workflow.key)")
                    request.headers.add(name: "content-type", value: "application/json")
                    for (name, value) in call.headers { request.headers.add(name: name, value: value) }
                    request.body = .bytes(ByteBuffer(string: call.body))
                    if let response = try? await client.execute(request, timeout: .seconds(60)) {
                        _ = try? await response.body.collect(upTo: 16 << 20)
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
        try? await client.shutdown()
    }

    struct Call {
        var path: String
        var body: String
        var headers: [(String, String)]
    }

    static func call(for workflow: DemoScenario.Workflow, number: Int, generator: inout SystemRandomNumberGenerator) -> Call {
        let model = workflow.models[Int.random(in: 0..<workflow.models.count, using: &generator)]
        let stream = Double.random(in: 0..<1, using: &generator) < workflow.streamShare
        var headers: [(String, String)] = [("x-tollgate-prompt-version", "v\(1 + number % 3)")]
        if let customer = workflow.customers.randomElement(using: &generator) { headers.append(("x-tollgate-customer", customer)) }
        if workflow.name == "sales-research-agent" { headers.append(("x-tollgate-trace-id", "research-\(number / 5)")) }
        if Int.random(in: 0..<40, using: &generator) == 0 { headers.append(("x-sim-fault", "rate_limit")) }
        let words = Int.random(in: 20..<400, using: &generator)
        let prompt = String(repeating: "Summarise the account history and next steps. ", count: words / 7 + 1)
        let context = String(repeating: "Policy handbook section on refunds, escalations and service levels. ", count: 120)
        if model.hasPrefix("text-embedding") {
            return Call(path: "/v1/embeddings", body: "{\"model\":\"\(model)\",\"input\":[\"\(prompt)\"]}", headers: headers)
        }
        if model.hasPrefix("claude") {
            let body =
                "{\"model\":\"\(model)\",\"max_tokens\":\(Int.random(in: 64..<400, using: &generator)),\"stream\":\(stream),"
                + "\"system\":[{\"type\":\"text\",\"text\":\"\(context)\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"\(prompt)\"}]}"
            return Call(path: "/v1/messages", body: body, headers: headers + [("anthropic-version", "2023-06-01")])
        }
        let body =
            "{\"model\":\"\(model)\",\"stream\":\(stream),\"max_tokens\":\(Int.random(in: 64..<400, using: &generator)),"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"\(context)\"},{\"role\":\"user\",\"content\":\"\(prompt)\"}]}"
        return Call(path: "/v1/chat/completions", body: body, headers: headers)
    }
}
