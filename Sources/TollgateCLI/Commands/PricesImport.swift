import ArgumentParser
import Foundation
import Logging
import TollgateCore
import TollgateStore

/// `tollgate prices ...`.
struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices", abstract: "Manage the dated price catalog.", subcommands: [Import.self, List.self])

    /// `tollgate prices import --litellm FILE`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a LiteLLM price file as a new dated catalog version.")

        @OptionGroup var location: LedgerLocation

        @Option(help: "A LiteLLM model_prices_and_context_window.json file.")
        var litellm: String

        @Option(help: "First day the prices apply, YYYY-MM-DD (UTC). Default: today.")
        var effectiveFrom: String?

        func validate() throws {
            if let effectiveFrom, CivilDate.unixSeconds(effectiveFrom) == nil {
                throw ValidationError("--effective-from '\(effectiveFrom)' is not a YYYY-MM-DD date")
            }
        }

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: litellm) else { throw CommandFailure("\(litellm): cannot read the file") }
            let now = Int64(Date().timeIntervalSince1970)
            let effective = effectiveFrom.flatMap(CivilDate.unixSeconds) ?? now / 86_400 * 86_400
            let prices: [ModelPrice]
            do {
                prices = try LiteLLMCatalog.parse([UInt8](data), effectiveFrom: effective)
            } catch {
                throw CommandFailure("\(litellm): \(error)")
            }
            let sha = SHA256Digest.hex(data)
            let id = "litellm-\(CivilDate.format(unixSeconds: effective))-\(sha.prefix(12))"
            let database = try location.open()
            if try await database.priceVersions().contains(where: { $0.id == id }) {
                throw CommandFailure("version \(id) is already imported")
            }
            try await database.importPrices(
                prices,
                version: StoredPriceVersion(
                    id: id, source: URL(fileURLWithPath: litellm).lastPathComponent, sha256: sha, importedAt: now, effectiveFrom: effective,
                    modelCount: prices.count))
            let unpriced = prices.filter { !$0.isPriced }.count
            print(
                "imported \(prices.count) models (\(unpriced) without a price) as version \(id), effective \(CivilDate.format(unixSeconds: effective))"
            )
            print("restart the gateway to use it; entries before that date keep their old prices")
        }
    }

    /// `tollgate prices list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List imported catalog versions.")

        @OptionGroup var location: LedgerLocation

        func run() async throws {
            let (builtin, version) = try CatalogLoader.builtin()
            var table = TextTable(columns: [("version", .left), ("effective", .left), ("models", .right), ("source", .left)])
            table.rows.append([version, "always", Format.grouped(Int64(builtin.count)), "built-in"])
            for v in try await location.open().priceVersions() {
                table.rows.append([v.id, CivilDate.format(unixSeconds: v.effectiveFrom), Format.grouped(Int64(v.modelCount)), v.source])
            }
            print(table.render())
        }
    }
}
