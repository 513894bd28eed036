import ArgumentParser
import Foundation
import TollgateCore
import TollgateServer
import TollgateStore

/// `tollgate export ...`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the ledger for other tools.", subcommands: [Focus.self])

    /// `tollgate export focus --period 2026-10 > focus.csv`.
    struct Focus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a period as FOCUS 1.2 Cost and Usage CSV (one row per day × account × model × token price × tags).",
            discussion: """
                Priced usage becomes `Usage` rows whose ListUnitPrice is the dated catalog price; BilledCost and \
                EffectiveCost are the ledger's own cost, exact to the nano-USD. Unpriced usage (no catalog price) becomes \
                zero-cost `Adjustment` rows flagged x_PricingStatus=unpriced with the tokens in x_Tokens: its cost is \
                unknown, not zero. See docs/exports.md.
                """)

        @OptionGroup var location: LedgerLocation

        @Option(help: "A month (2026-10), a quarter (2026-Q4) or a day (2026-10-05), UTC.")
        var period: String?

        @Option(help: "First day included, YYYY-MM-DD (UTC); instead of --period.")
        var since: String?

        @Option(help: "First day excluded, YYYY-MM-DD (UTC); instead of --period.")
        var until: String?

        @Option(name: .shortAndLong, help: "Write the CSV to this file instead of standard output.")
        var output: String?

        func validate() throws {
            if let period {
                guard since == nil, until == nil else { throw ValidationError("use either --period or --since/--until") }
                guard ExportPeriod.parse(period) != nil else {
                    throw ValidationError("--period '\(period)' is not a month (2026-10), a quarter (2026-Q4) or a day (2026-10-05)")
                }
            } else {
                guard since != nil || until != nil else { throw ValidationError("pass --period, or --since and --until") }
                for (name, value) in [("since", since), ("until", until)] {
                    if let value, CivilDate.unixSeconds(value) == nil { throw ValidationError("--\(name) '\(value)' is not a YYYY-MM-DD date") }
                }
                if let since, let until, let start = CivilDate.unixSeconds(since), let end = CivilDate.unixSeconds(until), end <= start {
                    throw ValidationError("--until must be after --since")
                }
            }
        }

        func resolvedPeriod() throws(CommandFailure) -> ExportPeriod {
            if let period, let parsed = ExportPeriod.parse(period) { return parsed }
            let now = Int64(Date().timeIntervalSince1970)
            let start = since.flatMap(CivilDate.unixSeconds) ?? 0
            let end = until.flatMap(CivilDate.unixSeconds) ?? (now / 86_400 + 1) * 86_400
            guard end > start else {
                throw CommandFailure(
                    "--since \(CivilDate.format(unixSeconds: start)) is after today (without --until the export ends with today, UTC)")
            }
            return ExportPeriod(start: start, end: end)
        }

        func run() async throws {
            let period = try resolvedPeriod()
            let database = try location.open()
            let configuration = try location.config.map { try loadRuntime($0).configuration }
            let catalog = try await CatalogLoader.catalog(
                configuration: configuration ?? GatewayConfiguration(providers: [], models: [], keys: []), database: database)
            let priceKeys = FocusPriceKeys(
                models: configuration?.models ?? [], snapshots: try await CatalogLoader.snapshots(configuration: configuration, database: database))

            let sink = try OutputSink(path: output)
            var aggregator = FocusAggregator()
            sink.write(FocusRow.csvHeader + "\n")
            try await database.forEachEntry(sinceMs: period.start * 1_000, untilMs: period.end * 1_000) { entry in
                let repriced = priceKeys.reprice(entry, catalog: catalog)
                for row in aggregator.add(entry, repriced: repriced) { sink.write(row.csvLine + "\n") }
            }
            for row in aggregator.finish() { sink.write(row.csvLine + "\n") }
            sink.flush()

            var summary =
                "exported \(aggregator.rowCount) FOCUS rows from \(aggregator.entryCount) entries, "
                + "\(CivilDate.format(unixSeconds: period.start)) to \(CivilDate.format(unixSeconds: period.end)) (exclusive); "
                + "billed \(Money.format(nanoUSD: aggregator.totalNanoUSD)) USD"
            if aggregator.unpricedEntryCount > 0 {
                summary += "; \(aggregator.unpricedEntryCount) unpriced entries (\(aggregator.unpricedTokens) tokens) exported at unknown cost"
            }
            if aggregator.derivedEntryCount > 0 {
                summary += "; \(aggregator.derivedEntryCount) entries whose price is no longer in the catalog (unit price derived)"
            }
            FileHandle.standardError.write(Data((summary + "\n").utf8))
        }
    }
}

/// Finds the price that priced an entry, to recover its exact unit prices: the one the entry names
/// (its price version and catalog key), or, for entries that name none, the catalog's price under the
/// keys the configuration's routes (or the model names) suggest.
struct FocusPriceKeys {
    /// Model name or alias → catalog key, from the configuration's model routes.
    let routes: [String: String]
    /// Every price by the version that holds it.
    let snapshots: PriceSnapshots

    init(models: [GatewayConfiguration.ModelRoute], snapshots: PriceSnapshots) {
        self.snapshots = snapshots
        var routes: [String: String] = [:]
        for model in models {
            let key = model.priceAs ?? model.upstreamModel ?? model.name
            routes[model.name] = key
            for alias in model.aliases { routes[alias] = key }
        }
        self.routes = routes
    }

    /// The catalog's cost for the entry, from the first candidate key that reproduces the ledger's cost exactly.
    func reprice(_ entry: LedgerEntry, catalog: PriceCatalog) -> Cost? {
        guard let recorded = entry.costNanoUSD, entry.usage.total > 0 else { return nil }
        if let cost = snapshots.recordedCost(of: entry) { return cost }
        var candidates: [String] = []
        for key in [routes[entry.requestedModel], entry.servedModel, entry.requestedModel].compactMap({ $0 }) where !candidates.contains(key) {
            candidates.append(key)
        }
        for key in candidates {
            if let cost = catalog.cost(model: key, usage: entry.usage, at: entry.timestampMs / 1_000).cost, cost.totalNanoUSD == recorded {
                return cost
            }
        }
        return nil
    }
}

/// Buffered output to standard output or a file.
final class OutputSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CommandFailure("cannot write \(path)")
            }
            self.handle = handle
        } else {
            self.handle = FileHandle.standardOutput
        }
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
