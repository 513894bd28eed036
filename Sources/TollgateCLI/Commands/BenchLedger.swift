import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TollgateCore
import TollgateStore

/// `tollgate bench-ledger`: ledger ingest throughput through the real write-behind journal.
struct BenchLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ledger", abstract: "Measure ledger ingest (entries per second) on a scratch SQLite file.",
        shouldDisplay: false)

    @Option(help: "Entries to write.")
    var entries: Int = 200_000

    @Option(help: "Scratch SQLite file (deleted first).")
    var db: String = "/tmp/tollgate-bench-ledger.sqlite"

    @Option(help: "Concurrent producers.")
    var producers: Int = 16

    func run() async throws {
        for suffix in ["", "-wal", "-shm", ".admissions"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let database = try LedgerDatabase.open(path: db)
        let journal = LedgerJournal(
            store: database, admissions: try AdmissionLog(directory: db + ".admissions"), logger: makeLogger("bench", level: .warning))
        let total = entries
        let producers = max(1, self.producers)
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            try await withThrowingTaskGroup(of: Void.self) { writers in
                for p in 0..<producers {
                    writers.addTask {
                        var i = p
                        while i < total {
                            let id = "tg_bench\(i)"
                            let attribution = Attribution(keyID: "bench", team: "team\(i % 7)", workflow: "wf\(i % 5)", customer: "c\(i % 100)")
                            let admission = Admission(
                                id: id, timestampMs: 1_790_000_000_000 + Int64(i), route: "chat.completions", provider: "bench",
                                requestedModel: "gpt-4o-mini", upstreamModel: "gpt-4o-mini", priceModel: "gpt-4o-mini", stream: false,
                                estimatedInputTokens: 1_536, attribution: attribution)
                            try await journal.admit(admission)
                            await journal.record(
                                LedgerEntry(
                                    id: id, timestampMs: admission.timestampMs, durationMs: 3, route: "chat.completions", provider: "bench",
                                    requestedModel: "gpt-4o-mini", servedModel: "gpt-4o-mini-2024-07-18", stream: false, status: .ok,
                                    httpStatus: 200, usage: TokenUsage(inputUncached: 512, cacheRead: 1_024, output: 64), pricing: .priced,
                                    costNanoUSD: 191_200, costBreakdown: CostBreakdown(input: 76_800, cacheRead: 76_800, output: 38_400),
                                    priceVersion: "bench", attribution: attribution, attempts: [.init(status: 200, ms: 2)]))
                            i += producers
                        }
                    }
                }
                try await writers.waitForAll()
            }
            try await journal.drain()
            group.cancelAll()
        }
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        let count = try await database.entryCount()
        guard count == total else { throw CommandFailure("wrote \(count) entries, expected \(total)") }
        let rate = Double(total) / seconds
        print(String(format: "INGEST {\"entries\":%d,\"seconds\":%.3f,\"entries_per_second\":%.0f}", total, seconds, rate))
    }
}
