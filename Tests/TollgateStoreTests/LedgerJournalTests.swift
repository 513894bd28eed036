import Foundation
import GRDB
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
import TollgateCore

@testable import TollgateStore

/// A fresh ledger file in a temporary directory.
func temporaryLedger() throws -> (LedgerDatabase, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("ledger.sqlite").path
    return (try LedgerDatabase.open(path: path), path)
}

/// A journal over a fresh ledger and admission log.
func temporaryJournal(_ configuration: LedgerJournal.Configuration = .init()) throws -> (LedgerJournal, LedgerDatabase, AdmissionLog) {
    let (database, path) = try temporaryLedger()
    let log = try AdmissionLog(directory: path + ".admissions")
    return (LedgerJournal(store: database, admissions: log, configuration: configuration, logger: quietLogger), database, log)
}

func admission(_ id: String, team: String = "support", ms: Int64 = 1_790_000_000_000, input: Int64 = 1_000) -> Admission {
    Admission(
        id: id, timestampMs: ms, route: "chat.completions", provider: "openai", requestedModel: "gpt-4o", upstreamModel: "gpt-4o",
        priceModel: "gpt-4o", stream: false, estimatedInputTokens: input,
        attribution: Attribution(keyID: "k", team: team, workflow: "wf", declared: [.workflow]))
}

func entry(for a: Admission, cost: Int64? = 7_250_000, usage: TokenUsage = TokenUsage(inputUncached: 800, cacheRead: 200, output: 500)) -> LedgerEntry
{
    LedgerEntry(
        id: a.id, timestampMs: a.timestampMs, durationMs: 12, route: a.route, provider: a.provider, requestedModel: a.requestedModel,
        servedModel: "gpt-4o-2024-08-06", stream: false, status: .ok, httpStatus: 200, usage: usage, pricing: cost == nil ? .unpriced : .priced,
        costNanoUSD: cost, costBreakdown: CostBreakdown(input: 2_000_000, cacheRead: 250_000, output: 5_000_000), priceVersion: "v1",
        attribution: a.attribution, attempts: [.init(status: 429, ms: 3, error: "http_429"), .init(status: 200, ms: 9)], clientRetryCount: 1)
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

@Suite struct LedgerJournalTests {
    @Test func concurrentCallsGetExactlyOneEntryEachAndNoOpenAdmission() async throws {
        let (journal, database, log) = try temporaryJournal(.init(capacity: 64, batchSize: 50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            try await withThrowingTaskGroup(of: Void.self) { calls in
                for i in 0..<500 {
                    calls.addTask {
                        let a = admission("tg_\(i)")
                        try await journal.admit(a)
                        // The admission is durable before the call would be forwarded.
                        let logged = AdmissionLog.pending(in: log.directory).contains { $0.id == a.id }
                        let written = try await database.entry(id: a.id) != nil
                        #expect(logged || written)
                        await journal.record(entry(for: a))
                    }
                }
                try await calls.waitForAll()
            }
            try await journal.drain()
            group.cancelAll()
        }
        #expect(try await database.entryCount() == 500)
        #expect(log.openCount == 0)
        #expect(AdmissionLog.pending(in: log.directory).isEmpty)
        #expect(journal.written.entries == 500)
        #expect(journal.written.batches < 500)  // group commit: fewer transactions than entries
    }

    @Test func entriesRoundTripExactly() async throws {
        let (database, _) = try temporaryLedger()
        let a = admission("tg_roundtrip")
        var e = entry(for: a)
        e.attribution.customer = "acme"
        e.attribution.traceID = "trace-1"
        e.attribution.declared = [.customer, .traceID, .workflow]
        e.errorMessage = "quote \" and newline \n"
        try await database.write(entries: [e])
        #expect(try await database.entry(id: a.id) == e)
    }

    @Test func recoveryClosesOpenAdmissionsAsEstimatedInterruptedEntries() async throws {
        let (database, path) = try temporaryLedger()
        let log = try AdmissionLog(directory: path + ".admissions")
        let open = [admission("tg_a", input: 1_000), admission("tg_b", input: 10)]
        let done = admission("tg_c")
        for a in open + [done] { try log.append(a) }
        try await database.write(entries: [entry(for: done)])
        // The process dies here, before the log learns tg_c was committed; a new one opens the same files.
        let pending = AdmissionLog.pending(in: log.directory)
        #expect(pending.map(\.id) == ["tg_a", "tg_b", "tg_c"])
        let reopened = try LedgerDatabase.open(path: path)
        let gpt4o = ModelPrice(
            model: "gpt-4o", base: RateSet(input: USDRate(perMillion: "2.50"), output: USDRate(perMillion: "10")))
        let pricer = LedgerPricer(catalog: PriceCatalog(prices: [gpt4o], version: "test"))
        #expect(try await reopened.recover(pending, pricer: pricer, nowMs: 1_790_000_005_000) == 2)
        #expect(try await reopened.entryCount() == 3)
        #expect(try await reopened.entry(id: "tg_c")?.status == .ok)  // the committed entry is kept, not replaced
        let a = try #require(try await reopened.entry(id: "tg_a"))
        #expect(a.status == .interrupted && a.usageSource == .estimated && a.pricing == .estimated)
        #expect(a.costNanoUSD == 2_500_000)  // 1,000 × $2.50/1M
        #expect(a.durationMs == 5_000)
        #expect(try await reopened.recover(pending, pricer: pricer, nowMs: 0) == 0)  // idempotent
    }

    @Test func aDuplicateIdNeverBlocksTheRestOfItsBatch() async throws {
        let (journal, database, _) = try temporaryJournal(.init(capacity: 64, batchSize: 64))
        let first = admission("tg_dup")
        try await database.write(entries: [entry(for: first)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            await journal.record(entry(for: first, cost: 1))
            for i in 0..<10 { await journal.record(entry(for: admission("tg_after\(i)"))) }
            try await journal.drain()
            group.cancelAll()
        }
        #expect(try await database.entryCount() == 11)
        #expect(try await database.entry(id: "tg_dup")?.costNanoUSD == 7_250_000)  // the first one is kept
    }

    @Test func recordWaitsForRoomInsteadOfDropping() async throws {
        let (journal, database, _) = try temporaryJournal(.init(capacity: 1, batchSize: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await journal.run() }
            for i in 0..<50 {
                let a = admission("tg_full\(i)")
                try await journal.admit(a)
                await journal.record(entry(for: a))
            }
            try await journal.drain()
            group.cancelAll()
        }
        #expect(try await database.entryCount() == 50)
    }

    @Test func gracefulShutdownDrainsTheQueue() async throws {
        let (journal, database, log) = try temporaryJournal()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await journal.run() }
                for i in 0..<200 {
                    let a = admission("tg_shutdown\(i)")
                    try await journal.admit(a)
                    await journal.record(entry(for: a))
                }
                #expect(journal.isAccepting)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(!journal.isAccepting)  // /readyz turns 503
        await #expect(throws: JournalError.self) { try await journal.admit(admission("tg_late")) }
        #expect(try await database.entryCount() == 200)
        #expect(AdmissionLog.pending(in: log.directory).isEmpty)
    }
}

@Suite struct SpendReportTests {
    @Test func groupsSumExactlyToTheLedgerAndKeepUnpricedApart() async throws {
        let (database, _) = try temporaryLedger()
        var entries: [LedgerEntry] = []
        var expected: [String: Int64] = [:]
        var generator = SystemRandomNumberGenerator()
        for i in 0..<300 {
            let team = ["support", "legal", "sales"][i % 3]
            let a = admission("tg_r\(i)", team: team, ms: 1_790_000_000_000 + Int64(i) * 1_000)
            let cost: Int64? = i % 17 == 0 ? nil : Int64.random(in: 0...9_000_000_000, using: &generator)
            entries.append(entry(for: a, cost: cost))
            expected[team, default: 0] += cost ?? 0
        }
        try await database.write(entries: entries)
        let rows = try await database.spend(by: .team, sinceMs: 0, untilMs: .max)
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.group ?? "", $0.costNanoUSD) }) == expected)
        #expect(rows.reduce(0) { $0 + $1.unpricedCalls } == Int64((0..<300).filter { $0 % 17 == 0 }.count))
        #expect(rows.reduce(0) { $0 + $1.calls } == 300)
        let window = try await database.spend(by: .team, sinceMs: 1_790_000_000_000, untilMs: 1_790_000_010_000)
        #expect(window.reduce(0) { $0 + $1.calls } == 10)
    }
}

@Suite struct PriceVersionTests {
    @Test func importedVersionsAreStoredAndReadBackExactly() async throws {
        let (database, _) = try temporaryLedger()
        let price = ModelPrice(
            model: "gpt-4o", effectiveFrom: 1_790_000_000,
            base: RateSet(input: USDRate(perToken: "1.0000000000000001e-07"), output: USDRate(perMillion: "10")))
        try await database.importPrices(
            [price],
            version: StoredPriceVersion(id: "v2", source: "test.json", sha256: "ab", importedAt: 1, effectiveFrom: 1_790_000_000, modelCount: 1))
        #expect(try await database.storedPrices().map(\.price) == [price])
        #expect(try await database.priceVersions().map(\.id) == ["v2"])
        await #expect(throws: (any Error).self) {
            try await database.importPrices(
                [price], version: StoredPriceVersion(id: "v2", source: "again", sha256: "ab", importedAt: 2, effectiveFrom: 0, modelCount: 1))
        }
    }
}

@Suite struct AdmissionLogTests {
    @Test func segmentsRotateAndAreDeletedOnceDrained() throws {
        let (_, path) = try temporaryLedger()
        let log = try AdmissionLog(directory: path + ".admissions", segmentLimit: 2_000)
        let all = (0..<40).map { admission("tg_seg\($0)") }
        for a in all { try log.append(a) }
        let files = try FileManager.default.contentsOfDirectory(atPath: log.directory)
        #expect(files.count > 2)
        #expect(AdmissionLog.pending(in: log.directory).map(\.id) == all.map(\.id))
        log.completed(all.prefix(20).map(\.id))
        // Fully drained segments are gone; a segment still holding open admissions is kept whole
        // (recovery skips admissions whose entry was committed).
        let left = Set(AdmissionLog.pending(in: log.directory).map(\.id))
        #expect(left.count < 40 && all.suffix(20).allSatisfy { left.contains($0.id) })
        log.completed(all.suffix(20).map(\.id))
        #expect(AdmissionLog.pending(in: log.directory).isEmpty)
        #expect(log.openCount == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: log.directory).count == 1)  // the active, empty segment
    }

    @Test func aTornLastLineIsSkipped() throws {
        let (_, path) = try temporaryLedger()
        let log = try AdmissionLog(directory: path + ".admissions")
        try log.append(admission("tg_whole"))
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: log.directory).first)
        let handle = try #require(FileHandle(forWritingAtPath: log.directory + "/" + file))
        handle.seekToEndOfFile()
        handle.write(Data("{\"id\":\"tg_torn\",\"time".utf8))
        try handle.close()
        #expect(AdmissionLog.pending(in: log.directory).map(\.id) == ["tg_whole"])
    }

    @Test func handWrittenLinesDecodeToTheSameAdmission() throws {
        var a = admission("tg_\"quoted\"\\ \u{1}é")
        a.clientRetryCount = 2
        a.attribution.customer = "acme \"corp\"\nline"
        a.attribution.traceID = "t"
        a.attribution.declared = [.customer, .traceID]
        let line = AdmissionLog.line(a)
        #expect(line.last == 10)
        #expect(try JSONDecoder().decode(Admission.self, from: Data(line.dropLast())) == a)
        let bare = Admission(
            id: "x", timestampMs: 0, route: "messages", provider: "p", requestedModel: "m", upstreamModel: "m", priceModel: "m",
            stream: true, estimatedInputTokens: 0, attribution: Attribution(keyID: "k"))
        #expect(try JSONDecoder().decode(Admission.self, from: Data(AdmissionLog.line(bare).dropLast())) == bare)
    }
}
