import Foundation
import ServiceLifecycle
import TollgateCore
import TollgateStore

/// One live line about the running demo, read from the ledger: rewritten in place every 2 s on a
/// terminal, printed as a plain line every 10 s otherwise.
struct DemoStatus: Service {
    let dbPath: String

    /// What the ledger shows since the demo started.
    struct Tally: Equatable {
        var calls = 0
        var costNanoUSD: Int64 = 0
        var refused = 0
        var downgraded = 0
        var redacted = 0
        var cacheHits = 0

        mutating func add(_ entry: LedgerEntry) {
            calls += 1
            costNanoUSD += entry.costNanoUSD ?? 0
            if entry.status == .blocked { refused += 1 }
            if entry.routedFrom != nil { downgraded += 1 }
            if entry.redactions > 0 { redacted += 1 }
            if entry.status == .cached || entry.usage.cacheRead > 0 { cacheHits += 1 }
        }
    }

    /// The status line.
    static func line(at date: Date, callsPerSecond: Double, session: Tally, monthNanoUSD: Int64) -> String {
        let time = ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withTime, .withColonSeparatorInTime])
        return "\(time)  calls \(String(format: "%.1f", callsPerSecond))/s  session \(Format.dollars(session.costNanoUSD))"
            + "  month \(Format.dollars(monthNanoUSD))  refused \(session.refused)  downgraded \(session.downgraded)"
            + "  redacted \(session.redacted)  cache hits \(session.cacheHits)"
    }

    func run() async throws {
        let terminal = isatty(STDOUT_FILENO) == 1
        let interval: Duration = terminal ? .seconds(2) : .seconds(10)
        guard let database = try? LedgerDatabase.open(path: dbPath), var last = try? await database.lastSequence() else { return }
        var tally = Tally()
        var printed = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            guard !Task.isShuttingDownGracefully else { break }
            let before = tally.calls
            while let page = try? await database.entries(afterSequence: last, limit: 2_000), !page.entries.isEmpty {
                for entry in page.entries { tally.add(entry) }
                last = page.last?.sequence ?? last
            }
            let now = Date()
            let month = Self.monthStartMs(now)
            let spent =
                (try? await database.spend(scope: GovernanceScope(), fromMs: month, toMs: nil, bucketMs: nil))?.reduce(0) { $0 + $1.nanoUSD } ?? 0
            let rate = Double(tally.calls - before) / Double(interval.components.seconds)
            let line = Self.line(at: now, callsPerSecond: rate, session: tally, monthNanoUSD: spent)
            if terminal {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
            } else {
                writeLine(line)
            }
            printed = true
        }
        if terminal && printed { writeLine("") }
    }

    /// 00:00 UTC of the first day of `date`'s month, in ms.
    static func monthStartMs(_ date: Date) -> Int64 {
        let day = CivilDate.format(unixSeconds: Int64(date.timeIntervalSince1970))
        return (CivilDate.unixSeconds(String(day.prefix(7)) + "-01") ?? 0) * 1_000
    }
}
