import ArgumentParser
import Foundation
import TollgateCore
import TollgateStore

/// `tollgate outcomes ...`.
struct OutcomesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes", abstract: "Business outcomes: import them, and find those that match no call.",
        subcommands: [Import.self, Unmatched.self])

    /// `tollgate outcomes import FILE.csv`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import outcomes from a CSV file, all or nothing.",
            discussion: """
                The header names the columns: \(Outcome.fieldNames.joined(separator: ",")) (any order; id, workflow, outcome, \
                status and one of request_id/trace_id are required). Re-importing the same rows records nothing new; a row \
                whose id is already recorded with different values rejects the whole file.
                """)

        @OptionGroup var location: LedgerLocation

        @Argument(help: "The CSV file.")
        var file: String

        func run() async throws {
            let result = try await Self.importFile(file, into: location.open())
            print("imported \(result.accepted) outcomes from \(file) (\(result.duplicates) already recorded)")
        }

        /// Parses the whole file, then records every row in one transaction; any error imports nothing.
        static func importFile(_ file: String, into database: LedgerDatabase) async throws -> OutcomeRecordResult {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the file") }
            let bytes = [UInt8](data)
            let large = bytes.count > 5_000_000
            let outcomes: [Outcome]
            do {
                outcomes = try Outcome.parseCSV(
                    bytes, receivedAtMs: Int64(Date().timeIntervalSince1970 * 1_000), progressEvery: 100_000,
                    progress: { n in if large { FileHandle.standardError.write(Data("parsed \(n) rows...\n".utf8)) } })
            } catch {
                throw CommandFailure("\(file): \(error.description); nothing was imported")
            }
            if large { FileHandle.standardError.write(Data("writing \(outcomes.count) outcomes in one transaction...\n".utf8)) }
            do {
                return try await database.record(outcomes: outcomes)
            } catch let conflict as OutcomeConflict {
                throw CommandFailure("\(file): \(conflict.description)")
            }
        }
    }

    /// `tollgate outcomes unmatched`.
    struct Unmatched: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Outcomes whose request id and trace id match no call in the ledger (kept, never dropped).")

        @OptionGroup var location: LedgerLocation
        @OptionGroup var format: FormatOptions

        @Option(help: "Most outcomes to list.")
        var limit: Int = 1_000

        func run() async throws {
            let outcomes = try await location.open().unmatchedOutcomes(limit: limit)
            if format.json {
                try ReportJSON.print([
                    "unmatched": outcomes.map {
                        [
                            "id": $0.id, "request_id": ReportJSON.optional($0.requestID), "trace_id": ReportJSON.optional($0.traceID),
                            "workflow": $0.workflow, "outcome": $0.name, "status": $0.status.rawValue,
                            "occurred_at": RFC3339.formatUTC(ms: $0.occurredAtMs),
                        ]
                    }
                ])
                return
            }
            if format.csv {
                print(CSV.line(["id", "request_id", "trace_id", "workflow", "outcome", "status", "occurred_at"]))
                for o in outcomes {
                    print(
                        CSV.line([
                            o.id, o.requestID ?? "", o.traceID ?? "", o.workflow, o.name, o.status.rawValue, RFC3339.formatUTC(ms: o.occurredAtMs),
                        ]))
                }
                return
            }
            var table = TextTable(columns: [
                ("id", .left), ("request / trace", .left), ("workflow", .left), ("status", .left), ("occurred (UTC)", .left),
            ])
            for o in outcomes {
                table.rows.append([
                    o.id, o.requestID ?? "trace " + (o.traceID ?? ""), o.workflow, o.status.rawValue, CivilDate.formatTimestamp(ms: o.occurredAtMs),
                ])
            }
            print("\(outcomes.count) outcomes match no call" + (outcomes.count == limit ? " (first \(limit))" : ""))
            if !outcomes.isEmpty { print(table.render()) }
        }
    }
}
