import Foundation
import TollgateCore
import TollgateSimulator
import TollgateStore

/// Seeds the demo ledger with 90 days of synthetic history on first run.
enum DemoHistorySeeder {
    /// Stores the generated outcomes.
    typealias OutcomeSink = @Sendable (_ database: LedgerDatabase, _ outcomes: [Outcome]) async throws -> Void

    /// The outcome sink the demo uses: the ledger's outcome table.
    static let seedOutcomes: OutcomeSink = { database, outcomes in try await database.record(outcomes: outcomes) }

    /// Writes the history into the ledger at `path` when it has no entries yet; prints a one-line summary.
    /// - Returns: The number of entries written (0 when the ledger already had history).
    @discardableResult
    static func seedIfEmpty(path: String, now: Date = Date(), seedOutcomes: OutcomeSink = seedOutcomes) async throws -> Int {
        let database = try LedgerDatabase.open(path: path)
        guard try await database.entryCount() == 0 else { return 0 }
        let started = ContinuousClock.now
        let (prices, version) = try CatalogLoader.builtin()
        let catalog = PriceCatalog(prices: prices.map { $0.from(version) }, version: version)
        let today = Int64(now.timeIntervalSince1970) / 86_400 * 86_400
        let history = DemoHistory.generate(catalog: catalog, configuration: .init(endDay: today))
        let known = Set(try await database.priceVersions().map(\.id))
        for priceVersion in history.priceVersions where !known.contains(priceVersion.id) {
            try await database.importPrices(
                priceVersion.prices,
                version: StoredPriceVersion(
                    id: priceVersion.id, source: "tollgate demo (synthetic list price)", sha256: String(repeating: "0", count: 64),
                    importedAt: Int64(now.timeIntervalSince1970), effectiveFrom: priceVersion.effectiveFrom, modelCount: priceVersion.prices.count))
        }
        let written = try await database.write(entries: history.entries)
        try await seedOutcomes(database, history.outcomes)
        try await database.record(alerts: history.alerts)
        for episode in history.killSwitches { try await recordKillSwitch(episode, in: database) }
        let total = history.entries.reduce(Int64(0)) { $0 + ($1.costNanoUSD ?? 0) }
        let elapsed = ContinuousClock.now - started
        writeLine(
            "seeded 90 days of demo history: \(Format.grouped(Int64(written))) calls, \(Format.dollars(total)), "
                + "\(Format.grouped(Int64(history.outcomes.count))) outcomes, "
                + "\(Format.grouped(Int64(history.entries.count { $0.status == .blocked }))) refused, "
                + "\(Format.grouped(Int64(history.entries.count { $0.routedFrom != nil }))) downgraded, "
                + "\(history.alerts.count) budget alerts, price change on "
                + "\(history.priceVersions.last.map { CivilDate.format(unixSeconds: $0.effectiveFrom) } ?? "-") "
                + "(\(elapsed.components.seconds).\(String(format: "%02d", elapsed.components.attoseconds / 10_000_000_000_000_000))s)")
        return written
    }

    /// Records a kill switch set and cleared, as the admin API does: the switch row and its audit trail.
    static func recordKillSwitch(_ episode: DemoHistory.KillSwitchEpisode, in database: LedgerDatabase) async throws {
        let target = KillSwitch.Target(kind: .workflow, name: episode.workflow)
        let kill = KillSwitch(target: target, by: episode.by, reason: episode.reason, atMs: episode.fromMs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(kill), as: UTF8.self)
        let subject = "workflow:" + episode.workflow
        try await database.save(
            killSwitch: kill, target: target,
            audit: AuditEvent(atMs: episode.fromMs, actor: episode.by, action: "kill_switch.set", subject: subject, after: text))
        try await database.save(
            killSwitch: nil, target: target,
            audit: AuditEvent(atMs: episode.toMs, actor: episode.by, action: "kill_switch.clear", subject: subject, before: text))
    }
}
