import Foundation
import Synchronization
import Testing
import TollgateCore
import TollgateStore

@testable import TollgateCLI

/// `tollgate demo`'s history wiring: the same workflows as the live traffic, seeded once, with
/// the price versions recorded and outcomes handed to the single outcome call site.
@Suite struct DemoHistoryWiringTests {
    /// The seeding time, pinned so the history (and what the checks see) is the same on every day.
    static let now = Date(timeIntervalSince1970: TimeInterval(CivilDate.unixSeconds("2026-11-18T12:00:00Z")!))

    @Test func historyUsesTheLiveDemoWorkflows() {
        let live = DemoScenario.workflows.map { [$0.name, $0.team, "\($0.team)-\($0.name)", $0.models.joined(separator: ",")] }
        let history = DemoHistory.workflows.map { [$0.name, $0.team, $0.keyName, $0.models.map(\.name).joined(separator: ",")] }
        #expect(history == live)
    }

    @Test func seedsOnceRecordsPriceVersionsAndHandsOverOutcomes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-demo-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let received = Mutex(0)
        let written = try DemoHistorySeeder.seedIfEmpty(path: path, now: Self.now, seedOutcomes: { _, outcomes in received.withLock { $0 += outcomes.count } })
        #expect(written > 20_000)
        #expect(received.withLock { $0 } > 10_000)
        let database = try LedgerDatabase.open(path: path)
        #expect(try database.entryCount() == written)
        let versions = try database.priceVersions()
        #expect(versions.count == 2 && versions.allSatisfy { $0.id.hasPrefix("demo-list-") })
        // The serving catalog (built-in + stored versions) prices the history's entries the same way.
        let catalog = try CatalogLoader.catalog(configuration: GatewayConfiguration(providers: [], models: [], keys: []), database: database)
        let pricer = LedgerPricer(catalog: catalog)
        for entry in try database.latestEntries(limit: 2_000) + (try database.entries(afterRowID: 0, limit: 2_000).entries) {
            var repriced = entry
            pricer.price(&repriced, priceModel: entry.requestedModel)
            #expect(repriced.costNanoUSD == entry.costNanoUSD && repriced.priceVersion == entry.priceVersion)
        }
        #expect(try DemoHistorySeeder.seedIfEmpty(path: path, now: Self.now) == 0)
        #expect(try database.entryCount() == written)
    }
}
