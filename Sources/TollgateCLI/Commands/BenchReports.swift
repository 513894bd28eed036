import ArgumentParser
import Foundation
import Logging
import TollgateCore
import TollgateStore

/// `tollgate bench-reports`: report latency over a large synthetic ledger.
///
/// Generates `--entries` ledger entries (deterministic; a pure function of the entry number) spread over
/// `--days` days ending at `--end`, for 20 teams, 50 workflows, ~5,000 customers and 6 models, plus one outcome
/// per 25 calls; bulk-inserts them through the normal insert path (which maintains the rollups),
/// then times the showback-by-team and unit-by-workflow queries for `--month`.
struct BenchReports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-reports", abstract: "Generate a large ledger and time the analytics reports.", shouldDisplay: false)

    @Option(help: "Entries to generate.")
    var entries: Int = 10_000_000

    @Option(help: "SQLite file (recreated unless --reuse finds it complete).")
    var db: String = "/tmp/tollgate-bench-reports.sqlite"

    @Option(help: "Days of history.")
    var days: Int = 90

    @Option(help: "First day after the history, YYYY-MM-DD.")
    var end: String = "2026-11-01"

    @Option(help: "The month the reports cover.")
    var month: String = "2026-10"

    @Flag(help: "Keep an existing file that already holds --entries entries.")
    var reuse = false

    @Option(help: "Timed runs per report.")
    var runs: Int = 3

    func run() async throws {
        let endMs = (CivilDate.unixSeconds(end) ?? 0) * 1_000
        let startMs = endMs - Int64(days) * 86_400_000
        var database: LedgerDatabase
        if reuse, FileManager.default.fileExists(atPath: db), let existing = try? LedgerDatabase.open(path: db),
            (try? await existing.entryCount()) == entries
        {
            database = existing
            log("reusing \(db) with \(entries) entries")
        } else {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            database = try LedgerDatabase.open(path: db)
            let clock = ContinuousClock()
            let began = clock.now
            let batch = 50_000
            var i = 0
            while i < entries {
                let n = min(batch, entries - i)
                try await database.write(entries: (i..<(i + n)).map { Synthetic.entry($0, of: entries, startMs: startMs, days: days) })
                i += n
                if i % 1_000_000 == 0 || i == entries {
                    log("inserted \(i) entries (\(Int(Double(i) / Self.seconds(clock.now - began))) per second)")
                }
            }
            let insertSeconds = Self.seconds(clock.now - began)
            var outcomes: [Outcome] = []
            var k = 0
            for i in stride(from: 0, to: entries, by: 25) {
                outcomes.append(Synthetic.outcome(k, entry: Synthetic.entry(i, of: entries, startMs: startMs, days: days)))
                k += 1
                if outcomes.count == 50_000 {
                    try await database.record(outcomes: outcomes)
                    outcomes.removeAll(keepingCapacity: true)
                }
            }
            try await database.record(outcomes: outcomes)
            try await database.analyze()
            let attributes = try FileManager.default.attributesOfItem(atPath: db)
            print(
                "GENERATE {\"entries\":\(entries),\"outcomes\":\(k),\"insert_seconds\":\(String(format: "%.1f", insertSeconds)),"
                    + "\"entries_per_second\":\(Int(Double(entries) / insertSeconds)),\"file_bytes\":\((attributes[.size] as? Int) ?? 0)}")
        }
        let period = try ReportPeriod.parse(month)
        let (hourlyRows, dailyRows, customerRows) = try await database.rollupRowCounts()
        print("ROLLUPS {\"spend_hourly_rows\":\(hourlyRows),\"spend_daily_rows\":\(dailyRows),\"spend_customer_daily_rows\":\(customerRows)}")
        try await time("showback_team_month") { _ = try await database.spend(groupedBy: [.team], period: period).count }
        let hours = ReportPeriod(startMs: period.startMs + 3_600_000, endMs: period.endMs - 3_600_000, label: "hour-aligned")
        try await time("showback_team_month_hourly_rollup") { _ = try await database.spend(groupedBy: [.team], period: hours).count }
        try await time("showback_team_workflow_month") { _ = try await database.spend(groupedBy: [.team, .workflow], period: period).count }
        try await time("unit_workflow_month") { _ = try await database.unitEconomics(by: .workflow, period: period).count }
        try await time("unit_customer_month") { _ = try await database.unitEconomics(by: .customer, period: period).count }
        try await time("kpi_month") {
            _ = KPIReport.evaluate(
                current: try await database.kpiInputs(period: period), previous: try await database.kpiInputs(period: period.previous),
                targets: .init())
        }
    }

    func time(_ name: String, _ body: () async throws -> Void) async throws {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<max(1, runs) {
            let began = clock.now
            try await body()
            samples.append(Self.seconds(clock.now - began))
        }
        print(
            "QUERY {\"name\":\"\(name)\",\"first_seconds\":\(String(format: "%.3f", samples[0])),\"best_seconds\":\(String(format: "%.3f", samples.min()!))}"
        )
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Deterministic synthetic ledger data for benchmarks.
enum Synthetic {
    struct Model {
        var provider: String
        var name: String
        /// Nano-USD per token: input, output (nil: unpriced).
        var input: Int64?
        var output: Int64
    }

    static let models = [
        Model(provider: "openai", name: "gpt-4o-mini", input: 150, output: 600),
        Model(provider: "openai", name: "gpt-4o", input: 2_500, output: 10_000),
        Model(provider: "openai", name: "text-embedding-3-small", input: 20, output: 0),
        Model(provider: "anthropic", name: "claude-sonnet-4-5", input: 3_000, output: 15_000),
        Model(provider: "anthropic", name: "claude-haiku-4-5", input: 1_000, output: 5_000),
        Model(provider: "openai", name: "mystery-model", input: nil, output: 0),
    ]

    static let hourWeights: [Int] = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 9, 10, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1]
    static let hourTotal = hourWeights.reduce(0, +)

    /// Entry number `i` of `total`: entries are in time order (as a ledger is written), `days` days from
    /// `startMs`, following a working-hours profile within each day.
    static func entry(_ i: Int, of total: Int, startMs: Int64, days: Int) -> LedgerEntry {
        var r = SplitMix64(seed: UInt64(i) &* 0x2545_F491_4F6C_DD1D &+ 17)
        let position = Double(i) / Double(max(1, total)) * Double(days)
        let day = Int64(position)
        // Inverse of the hour profile's cumulative distribution, at the position within the day.
        var within = (position - Double(day)) * Double(hourTotal)
        var hour = 0
        while hour < 23 && within >= Double(hourWeights[hour]) {
            within -= Double(hourWeights[hour])
            hour += 1
        }
        let ts = startMs + day * 86_400_000 + Int64(hour) * 3_600_000 + Int64(within / Double(hourWeights[hour]) * 3_600_000)
        // Zipf-like workflow popularity.
        let w = min(49, Int(Double(r.below(1_000_000)) / 1_000_000 * Double(r.below(50) + 1)))
        let team = r.below(100) == 0 ? nil : "team-\(w % 20)"
        let workflow = r.below(100) < 3 ? nil : "wf-\(w)"
        let customer = w % 3 == 0 ? nil : "cust-\(w * 100 + r.below(100))"
        let model = r.below(100) == 0 ? models[5] : models[(w + (r.below(10) == 0 ? 1 : 0)) % 5]
        let roll = r.below(100)
        let status: LedgerEntry.Status = roll < 96 ? .ok : roll < 98 ? .upstreamError : roll < 99 ? .cancelled : .cached
        var usage = TokenUsage()
        if status != .upstreamError {
            let input = Int64(200 + r.below(4_000))
            let cached = r.below(3) == 0 ? input / 2 : 0
            usage = TokenUsage(inputUncached: input - cached, cacheRead: cached, output: model.output == 0 ? 0 : Int64(20 + r.below(800)))
        }
        var pricing = LedgerEntry.PricingStatus.priced
        var cost: Int64?
        var breakdown = CostBreakdown()
        if let price = model.input {
            breakdown = CostBreakdown(
                input: usage.inputUncached * price, cacheRead: usage.cacheRead * price / 10, output: usage.output * model.output)
            cost = breakdown.total
            if status == .cancelled { pricing = .estimated }
        } else {
            pricing = .unpriced
        }
        let attribution = Attribution(
            keyID: "key-\(w % 20)", org: "acme", team: team, app: team == nil ? nil : "app-\(w % 30)",
            environment: r.below(10) == 0 ? "staging" : "prod", costCenter: team == nil ? nil : "CC-\(w % 8)", workflow: workflow,
            customer: customer, traceID: w % 5 == 0 ? "tr-\(i / 4)" : nil)
        return LedgerEntry(
            id: "b" + String(repeating: "0", count: max(0, 9 - String(i).count)) + String(i), timestampMs: ts,
            durationMs: Int64(200 + r.below(3_000)), route: "chat.completions", provider: model.provider,
            requestedModel: model.name, servedModel: model.name, stream: r.below(2) == 0, status: status,
            httpStatus: status == .upstreamError ? 502 : 200, usage: usage,
            usageSource: status == .cancelled ? .estimated : status == .upstreamError ? .none : .reported, pricing: pricing, costNanoUSD: cost,
            costBreakdown: breakdown, priceVersion: cost == nil ? nil : "bench", attribution: attribution)
    }

    /// Outcome number `k` for `entry`.
    static func outcome(_ k: Int, entry: LedgerEntry) -> Outcome {
        var r = SplitMix64(seed: UInt64(k) &* 0x9E37_79B9 &+ 3)
        let roll = r.below(100)
        let status: Outcome.Status = roll < 80 ? .success : roll < 90 ? .partial : .failure
        return Outcome(
            id: "o\(k)", requestID: entry.id, traceID: entry.attribution.traceID, workflow: entry.attribution.workflow ?? "unknown",
            name: "task_done", status: status, valueNanoUSD: status == .failure ? 0 : Int64(r.below(5_000)) * 1_000_000,
            quality: Double(50 + r.below(51)) / 100, humanReviewed: r.below(10) == 0,
            occurredAtMs: entry.timestampMs + Int64(r.below(3_600_000)), receivedAtMs: entry.timestampMs + 86_400_000)
    }
}
