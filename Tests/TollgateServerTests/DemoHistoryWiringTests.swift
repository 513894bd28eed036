import Foundation
import Synchronization
import Testing
import TollgateCore
import TollgateServer
import TollgateSimulator
import TollgateStore

@testable import TollgateCLI

/// `tollgate demo`'s history wiring: the same workflows as the live traffic, seeded once, with
/// the price versions recorded and outcomes handed to the single outcome call site.
@Suite struct DemoHistoryWiringTests {
    /// The seeding time, pinned so the history (and what the checks see) is the same on every day.
    static let now = Date(timeIntervalSince1970: TimeInterval(CivilDate.unixSeconds("2026-11-18T12:00:00Z")!))

    @Test func theConfigurationCarriesTheHistorysRules() throws {
        let yaml = DemoScenario.configuration(port: 8080, simulatorPort: 9090, sqlitePath: "/tmp/x.sqlite")
        for budget in DemoHistory.Rules.budgets {
            #expect(yaml.contains("name: \(budget.name), scope: { \(budget.dimension): \(budget.value) }, period: \(budget.period)"))
        }
        #expect(yaml.contains("max_calls: 25") && yaml.contains("requests_per_minute: 30") && yaml.contains(DemoScenario.batchKey))
    }

    @Test func theLiveCacheRuleIsTheOneTheHistoryRecords() throws {
        let yaml = DemoScenario.configuration(port: 8080, simulatorPort: 9090, sqlitePath: "/tmp/x.sqlite")
        let runtime = try ConfigurationLoader.load(text: yaml, origin: "demo.yaml", environment: [:])
        #expect(runtime.configuration.levers == DemoHistory.Rules.levers)
        #expect(runtime.configuration.levers.version != nil && runtime.configuration.levers.version == DemoHistory.Rules.levers.version)
    }

    @Test func bannerPrefixFollowsHowTheBinaryWasStarted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-demo-pkg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".build/debug"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent("Package.swift").path, contents: Data()))
        let package = directory.resolvingSymlinksInPath().path
        #expect(DemoBanner.invocation(argument0: ".build/debug/tollgate", currentDirectory: package).prefix == "swift run tollgate")
        #expect(
            DemoBanner.invocation(argument0: package + "/.build/debug/tollgate", currentDirectory: "/").prefix == package + "/.build/debug/tollgate")
        #expect(DemoBanner.invocation(argument0: "tollgate", currentDirectory: "/").prefix == "tollgate")
        let printed = DemoBanner.text(
            invocation: .init(prefix: "swift run tollgate"), port: 8080, simulatorPort: 9090, configPath: "c.yaml", dbPath: "d b.sqlite",
            month: "2026-11")
        #expect(printed.contains("    swift run tollgate report spend --by workflow --db 'd b.sqlite'"))
        #expect(printed.contains("pip install openai anthropic") && printed.contains("/v1/messages"))
    }

    @Test func historyUsesTheLiveDemoWorkflows() {
        let live = DemoScenario.workflows.map { [$0.name, $0.team, "\($0.team)-\($0.name)", $0.models.joined(separator: ",")] }
        let history = DemoHistory.workflows.map { [$0.name, $0.team, $0.keyName, $0.models.map(\.name).joined(separator: ",")] }
        #expect(history == live)
    }

    @Test func seedsOnceRecordsPriceVersionsAndHandsOverOutcomes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-demo-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let received = Mutex(0)
        let written = try await DemoHistorySeeder.seedIfEmpty(
            path: path, now: Self.now, seedOutcomes: { _, outcomes in received.withLock { $0 += outcomes.count } })
        #expect(written > 20_000)
        #expect(received.withLock { $0 } > 10_000)
        let database = try LedgerDatabase.open(path: path)
        #expect(try await database.entryCount() == written)
        let versions = try await database.priceVersions()
        #expect(versions.count == 2 && versions.allSatisfy { $0.id.hasPrefix("demo-list-") })
        // The serving catalog (built-in + stored versions) prices the history's entries the same way.
        let catalog = try await CatalogLoader.catalog(configuration: GatewayConfiguration(providers: [], models: [], keys: []), database: database)
        let pricer = LedgerPricer(catalog: catalog)
        for entry in try await database.latestEntries(limit: 2_000) + (try await database.entries(afterSequence: 0, limit: 2_000).entries)
        where entry.status != .blocked {
            var repriced = entry
            pricer.price(&repriced, priceModel: entry.requestedModel)
            #expect(repriced.costNanoUSD == entry.costNanoUSD && repriced.priceVersion == entry.priceVersion)
        }
        // Governance as the gateway and the admin API record it: alert events, and a kill switch set and cleared.
        let alerts = try await database.budgetEvents(limit: 10_000)
        #expect(Set(alerts.filter { $0.budget == "marketing-daily" }.map(\.thresholdPercent)) == [50, 80, 100])
        let audit = try await database.auditEvents(limit: 100)
        #expect(audit.map(\.action) == ["kill_switch.clear", "kill_switch.set"])
        #expect(audit.allSatisfy { $0.subject == "workflow:marketing-drafting" })
        #expect(try await database.killSwitches().isEmpty)
        #expect(try await DemoHistorySeeder.seedIfEmpty(path: path, now: Self.now) == 0)
        #expect(try await database.entryCount() == written)
    }
}
