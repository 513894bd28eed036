import TollgateServer
import Logging
import ArgumentParser
import Foundation
import TollgateCore
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
            throw ValidationError("no ledger at \(path) (pass --db PATH or --config FILE)")
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
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reports from the ledger.", subcommands: [Spend.self, Showback.self, Chargeback.self, Unit.self, KPI.self])

    /// `tollgate report spend --by team --since 2026-11-01`.
    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Itemised spend grouped by one dimension.")

        @OptionGroup var location: LedgerLocation

        @Option(help: "Group by: \(SpendDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
        var by: String = "team"

        @Option(help: "First day included, YYYY-MM-DD (UTC). Default: 30 days ago.")
        var since: String?

        @Option(help: "First day excluded, YYYY-MM-DD (UTC). Default: tomorrow.")
        var until: String?

        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV.") var csv = false

        func validate() throws {
            if SpendDimension(rawValue: by) == nil {
                throw ValidationError("--by must be one of: \(SpendDimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (name, value) in [("since", since), ("until", until)] {
                if let value, CivilDate.unixSeconds(value) == nil { throw ValidationError("--\(name) '\(value)' is not a YYYY-MM-DD date") }
            }
            if json && csv { throw ValidationError("choose one of --json and --csv") }
        }

        func run() async throws {
            let dimension = SpendDimension(rawValue: by)!
            let now = Int64(Date().timeIntervalSince1970)
            let sinceS = since.flatMap(CivilDate.unixSeconds) ?? (now / 86_400 - 30) * 86_400
            let untilS = until.flatMap(CivilDate.unixSeconds) ?? (now / 86_400 + 1) * 86_400
            let rows = try location.open().spend(by: dimension, sinceMs: sinceS * 1_000, untilMs: untilS * 1_000)
            let label = { (row: SpendRow) in row.group ?? "(unattributed)" }
            if json {
                let items = rows.map { row -> [String: Any] in
                    [
                        dimension.rawValue: row.group as Any, "calls": row.calls, "input_tokens": row.inputTokens,
                        "cached_tokens": row.cachedTokens, "output_tokens": row.outputTokens, "cost_usd": Money.format(nanoUSD: row.costNanoUSD),
                        "cost_nano_usd": row.costNanoUSD, "unpriced_calls": row.unpricedCalls, "estimated_calls": row.estimatedCalls,
                        "failed_calls": row.failedCalls,
                    ]
                }
                let document: [String: Any] = [
                    "by": dimension.rawValue, "since": CivilDate.format(unixSeconds: sinceS), "until": CivilDate.format(unixSeconds: untilS),
                    "rows": items, "total_cost_nano_usd": rows.reduce(0) { $0 + $1.costNanoUSD },
                ]
                let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if csv {
                print(CSV.line([dimension.rawValue, "calls", "input_tokens", "cached_tokens", "output_tokens", "cost_usd", "unpriced_calls", "estimated_calls", "failed_calls"]))
                for row in rows {
                    print(CSV.line([
                        row.group ?? "", "\(row.calls)", "\(row.inputTokens)", "\(row.cachedTokens)", "\(row.outputTokens)",
                        Money.format(nanoUSD: row.costNanoUSD), "\(row.unpricedCalls)", "\(row.estimatedCalls)", "\(row.failedCalls)",
                    ]))
                }
                return
            }
            var table = TextTable(columns: [
                (dimension.rawValue, .left), ("calls", .right), ("in tok", .right), ("out tok", .right), ("cost", .right),
                ("share", .right), ("unpriced", .right), ("est.", .right),
            ])
            let total = rows.reduce(0) { $0 + $1.costNanoUSD }
            for row in rows {
                let share = total > 0 ? String(format: "%.1f%%", Double(row.costNanoUSD) * 100 / Double(total)) : "-"
                table.rows.append([
                    String(label(row).prefix(24)), Format.grouped(row.calls), Format.grouped(row.inputTokens), Format.grouped(row.outputTokens),
                    Format.dollars(row.costNanoUSD), share, Format.grouped(row.unpricedCalls), Format.grouped(row.estimatedCalls),
                ])
            }
            table.footer = [
                "total", Format.grouped(rows.reduce(0) { $0 + $1.calls }), Format.grouped(rows.reduce(0) { $0 + $1.inputTokens }),
                Format.grouped(rows.reduce(0) { $0 + $1.outputTokens }), Format.dollars(total), total > 0 ? "100.0%" : "-",
                Format.grouped(rows.reduce(0) { $0 + $1.unpricedCalls }), Format.grouped(rows.reduce(0) { $0 + $1.estimatedCalls }),
            ]
            print("Spend by \(dimension.rawValue), \(CivilDate.format(unixSeconds: sinceS)) to \(CivilDate.format(unixSeconds: untilS)) (exclusive)")
            print(table.render())
            if rows.contains(where: { $0.unpricedCalls > 0 }) {
                print("Unpriced calls have no known cost and are not in the totals; add prices for their models.")
            }
        }
    }
}
