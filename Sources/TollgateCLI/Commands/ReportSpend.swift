import ArgumentParser
import Foundation
import Logging
import TollgateCore
import TollgateServer
import TollgateStore

/// Where a read-only command finds the ledger.
struct LedgerLocation: ParsableArguments {
    @Option(help: "Path of the SQLite ledger.")
    var db: String?

    @Option(name: .shortAndLong, help: "Read the ledger path from this configuration file.")
    var config: String?

    func open() throws -> LedgerDatabase {
        let path: String
        if let db {
            path = db
        } else if let config {
            path = try loadRuntime(config).configuration.storage.sqlitePath
        } else {
            path = "tollgate.sqlite"
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no ledger at \(path) (pass --db PATH or --config FILE)")
        }
        return try LedgerDatabase.open(path: path)
    }
}

/// Output formats.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `tollgate report ...`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports from the ledger.",
        subcommands: [Spend.self, Showback.self, Chargeback.self, Unit.self, KPI.self, Savings.self])

    /// `tollgate report spend --by team --since 2026-11-01`.
    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Itemised spend grouped by one dimension or by day, week or month, straight from the ledger's entries.",
            discussion: """
                The window is --since (included) to --until (excluded), UTC days; by default the 30 days before today \
                through today (until = tomorrow). Calls are served calls; calls governance refused (budget, rate limit, \
                policy, kill switch) are counted apart as refused. --by model groups by the model the caller asked for and \
                names the served model when it differs; --by served_model groups by the model the provider ran. \
                --by week uses ISO weeks (Monday to Sunday, UTC). A cost is `unknown` when no call of the group is priced \
                and a lower bound (`≥ $1.23`, cost_complete false) when some are not.
                """)

        @OptionGroup var location: LedgerLocation

        @Option(help: "Group by: \(SpendDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
        var by: String = "team"

        @Option(help: "First day included, YYYY-MM-DD (UTC). Default: 30 days before today.")
        var since: String?

        @Option(help: "First day excluded, YYYY-MM-DD (UTC). Default: tomorrow (so today is included).")
        var until: String?

        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV.") var csv = false

        func validate() throws {
            if SpendDimension(rawValue: by) == nil {
                throw ValidationError("--by must be one of: \(SpendDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (name, value) in [("since", since), ("until", until)] {
                if let value, value.utf8.count != 10 || CivilDate.unixSeconds(value) == nil {
                    throw ValidationError("--\(name) '\(value)' is not a YYYY-MM-DD date")
                }
            }
            if let since, let until, let a = CivilDate.unixSeconds(since), let b = CivilDate.unixSeconds(until), a >= b {
                throw ValidationError("--since must be before --until (until is exclusive)")
            }
            if json && csv { throw ValidationError("choose one of --json and --csv") }
        }

        func run() async throws {
            let dimension = SpendDimension(rawValue: by)!
            let now = Int64(Date().timeIntervalSince1970)
            let sinceS = since.flatMap(CivilDate.unixSeconds) ?? (now / 86_400 - 30) * 86_400
            let untilS = until.flatMap(CivilDate.unixSeconds) ?? (now / 86_400 + 1) * 86_400
            guard sinceS < untilS else { throw CommandFailure("--since \(CivilDate.format(unixSeconds: sinceS)) is not before --until") }
            let database = try location.open()
            let report = SpendOutput(
                dimension: dimension, since: CivilDate.format(unixSeconds: sinceS), until: CivilDate.format(unixSeconds: untilS),
                rows: try await database.spend(by: dimension, sinceMs: sinceS * 1_000, untilMs: untilS * 1_000))
            if json { return try ReportJSON.print(report.json()) }
            if csv { return print(report.csv()) }
            if report.isEmpty {
                let coverage = try await database.coverage()
                print(
                    LedgerCoverage.emptyWindow(startMs: sinceS * 1_000, endMs: untilS * 1_000, firstMs: coverage?.firstMs, lastMs: coverage?.lastMs))
                return
            }
            print(report.text())
        }
    }
}
