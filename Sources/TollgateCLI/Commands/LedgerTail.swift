import ArgumentParser
import Foundation
import Logging
import TollgateCore
import TollgateStore

/// `tollgate ledger ...`.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Look at ledger entries.", subcommands: [Tail.self])

    /// `tollgate ledger tail`: the latest entries, then new ones as they arrive.
    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the latest entries and follow new ones as they arrive.")

        @OptionGroup var location: LedgerLocation

        @Option(name: [.customShort("n"), .long], help: "Entries to show first.")
        var lines: Int = 10

        @Flag(name: .long, inversion: .prefixedNo, help: "Keep following new entries.")
        var follow = true

        @Flag(help: "One JSON object per entry.") var json = false

        func run() async throws {
            let database = try location.open()
            if !json {
                writeLine(Self.header)
            }
            for entry in try await database.latestEntries(limit: lines) { emit(entry) }
            guard follow else { return }
            var last = try await database.lastSequence()
            while !Task.isCancelled {
                let page = try await database.entries(afterSequence: last, limit: 500)
                for entry in page.entries { emit(entry) }
                last = page.last?.sequence ?? last
                if page.entries.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
        }

        static let header = "time      model                status        in    out  cost        team/workflow"

        func emit(_ entry: LedgerEntry) {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                if let data = try? encoder.encode(entry) { writeLine(String(decoding: data, as: UTF8.self)) }

                return
            }
            let time = String(CivilDate.formatTimestamp(ms: entry.timestampMs).suffix(8))
            let cost = entry.costNanoUSD.map { "$" + Money.format(nanoUSD: $0) } ?? "unpriced"
            let flag = entry.usageSource == .estimated ? "~" : " "
            func col(_ s: String, _ n: Int) -> String { s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count) }
            func rcol(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
            let who = TerminalText.visible([entry.attribution.team, entry.attribution.workflow].compactMap { $0 }.joined(separator: "/"))
            writeLine(
                "\(time)  \(col(TerminalText.visible(entry.requestedModel), 20)) \(col(entry.status.rawValue, 12)) \(rcol(Format.grouped(entry.usage.inputTotal), 6)) \(rcol(Format.grouped(entry.usage.output), 6))\(flag) \(col(cost, 11)) \(who)"
            )

        }
    }
}

/// Writes a line to standard output unbuffered, so `tail` output appears at once even in a pipe.
func writeLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
