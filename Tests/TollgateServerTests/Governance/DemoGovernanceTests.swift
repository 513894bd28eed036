import Foundation
import Logging
import Testing
import TollgateCore
import TollgateServer
import TollgateSimulator
import TollgateStore
import TollgateTestKit

@testable import TollgateCLI

/// The demo's own configuration, governance included, over its 90-day history: every workflow's
/// live traffic is admitted, and the governance shows (budgets loaded from history, registry enforced).
@Suite struct DemoGovernanceTests {
    /// The pinned start-up time (mid-month, so the month-to-date history is neither empty nor whole):
    /// with today's date the test failed on the 1st of every month, when this month's history is empty.
    static let now = Date(timeIntervalSince1970: TimeInterval(CivilDate.unixSeconds("2026-11-18T12:00:00Z")!))

    @Test func demoTrafficIsAdmittedUnderTheDemoGovernanceAfterHistoryIsSeeded() async throws {
        try await SimulatorHarness.run { simulator in
            let ledgerPath = try GatewayHarness.freshLedgerPath()
            _ = try await DemoHistorySeeder.seedIfEmpty(path: ledgerPath, now: Self.now)
            // The history's outcomes are stored, so unit economics have something true to show.
            #expect(try await LedgerDatabase.open(path: ledgerPath).outcomeCount() > 10_000)
            let text = DemoScenario.configuration(port: 0, simulatorPort: simulator.port, sqlitePath: ledgerPath)
            let runtime = try ConfigurationLoader.load(text: text, origin: "demo.yaml", environment: [:])
            #expect(!runtime.configuration.governance.budgets.isEmpty)
            var logger = Logger(label: "demo-test")
            logger.logLevel = .warning
            let server = try await GatewayServer(runtime: runtime, now: Self.now, logger: logger)
            // Budgets start from the seeded history's spend in the current period.
            // (The live calls below run at the real time, in whatever period that is; they are admitted either way.)
            let now = Int64(Self.now.timeIntervalSince1970 * 1_000)
            let monthly = try #require(server.gateway.governor.budgetStatus(nowMs: now).first { $0.budget == "demo-corp-monthly" })
            #expect(monthly.spentNanoUSD > 0 && monthly.spentNanoUSD < monthly.limitNanoUSD)
            try await SimulatorHarness.serving(logger: logger) { onPort in
                server.application(logger: logger, onServerRunning: onPort)
            } body: { port in
                let gateway = SimulatorHarness(port: port)
                var generator = SystemRandomNumberGenerator()
                for workflow in DemoScenario.workflows {
                    for number in 0..<3 {
                        var call = DemoTraffic.call(for: workflow, number: number, generator: &generator)
                        call.headers.removeAll { $0.0 == "x-sim-fault" }
                        let response = try await gateway.send(
                            .post, call.path, json: call.body, headers: call.headers + [("anthropic-version", "2023-06-01")],
                            authorization: "Bearer \(workflow.key)")
                        #expect(response.status == 200, "\(workflow.name): \(response.body.prefix(300))")
                    }
                }
                // The registry is enforced in prod: an unregistered workflow is refused.
                let unregistered = try await gateway.send(
                    .post, "/v1/chat/completions", json: #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#,
                    headers: [("x-tollgate-workflow", "shadow-it")], authorization: "Bearer sk-demo-support")
                #expect(unregistered.status == 403 && unregistered.body.contains("workflow_not_registered"))
            }
            await server.gateway.shutdown()
        }
    }
}
