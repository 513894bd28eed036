import Foundation
import Logging
import TollgateCore

/// Builds the dated price catalog: the built-in snapshot, versions imported into the ledger
/// database, then prices from the configuration.
enum CatalogLoader {
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The built-in catalog's prices and its version label.
    static func builtin() throws -> (prices: [ModelPrice], version: String) {
        guard let url = Bundle.module.url(forResource: "default-prices", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { throw LoadError(description: "the built-in price catalog is missing from this build") }
        let bytes = [UInt8](data)
        let version = (try LiteLLMCatalog.provenance(bytes))?.versionLabel ?? "builtin"
        return (try LiteLLMCatalog.parse(bytes, effectiveFrom: 0), version)
    }

    /// The full catalog for serving: the built-in snapshot, the imported versions, then the
    /// configuration's prices (each labelled with the price version that names it exactly).
    /// - Parameter record: Store the configuration's prices in the ledger as price versions (the gateway
    ///   does at start), so exports can re-price their entries without the configuration.
    static func catalog(configuration: GatewayConfiguration, database: any PriceStore, record: Bool = false) async throws -> PriceCatalog {
        var catalog = PriceCatalog(prices: [], version: "none")
        if configuration.pricing.builtinCatalog {
            let (prices, version) = try builtin()
            catalog = PriceCatalog(prices: prices.map { $0.from(version) }, version: version)
        }
        let imported = try await database.priceVersions().filter { !$0.isConfigured }
        let importedIDs = Set(imported.map(\.id))
        if let last = imported.last {
            let stored = try await database.storedPrices().filter { importedIDs.contains($0.version) }
            catalog = catalog.merging(stored.map { $0.price.from($0.version) }, version: last.id)
        }
        let configured = try configuredPrices(configuration)
        if record { try await database.recordConfiguredPrices(configured) }
        if !configured.isEmpty { catalog = catalog.merging(configured.map { $0.price }, version: catalog.version + "+config") }
        return catalog
    }

    /// Every price known to the ledger and the configuration, each labelled with its version: what an
    /// entry's `priceVersion` and `priceModel` name.
    static func snapshots(configuration: GatewayConfiguration?, database: any PriceStore) async throws -> PriceSnapshots {
        let (prices, version) = try builtin()
        let stored = try await database.storedPrices().map { $0.price.from($0.version) }
        let configured = try configuration.map(configuredPrices)?.map { $0.price } ?? []
        return PriceSnapshots(prices.map { $0.from(version) } + stored + configured)
    }

    /// The configuration's prices, each with the price version of its own that records it: `config-`
    /// and the start of the SHA-256 of the price, so the same price always has the same version.
    static func configuredPrices(_ configuration: GatewayConfiguration) throws -> [(version: StoredPriceVersion, price: ModelPrice)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let now = Int64(Date().timeIntervalSince1970)
        return try configuration.pricing.prices.enumerated().map { i, override in
            let price = try modelPrice(override, index: i)
            let sha = SHA256Digest.hex(try encoder.encode(price))
            let version = StoredPriceVersion(
                id: "config-\(sha.prefix(12))", source: StoredPriceVersion.configurationSource, sha256: sha, importedAt: now,
                effectiveFrom: price.effectiveFrom, modelCount: 1)
            return (version, price.from(version.id))
        }
    }

    /// A configured price (USD per 1M tokens) as a catalog entry.
    static func modelPrice(_ price: GatewayConfiguration.PriceOverride, index: Int) throws -> ModelPrice {
        func rate(_ text: String?, _ key: String) throws -> USDRate? {
            guard let text else { return nil }
            guard let rate = USDRate(perMillion: text) else {
                throw LoadError(description: "pricing.prices[\(index)].\(key): '\(text)' is not an exact non-negative decimal")
            }
            return rate
        }
        let effective = price.effectiveFrom.flatMap(CivilDate.unixSeconds) ?? 0
        let rates = RateSet(
            input: try rate(price.input, "input"), output: try rate(price.output, "output"),
            cacheRead: try rate(price.cacheRead, "cache_read"), cacheWrite: try rate(price.cacheWrite, "cache_write"),
            cacheWrite1h: try rate(price.cacheWrite1h, "cache_write_1h"), reasoning: try rate(price.reasoning, "reasoning"))
        return ModelPrice(model: price.model, provider: nil, mode: "chat", effectiveFrom: effective, base: rates)
    }
}

extension ModelPrice {
    /// The same price, labelled with the catalog version it came from.
    func from(_ version: String) -> ModelPrice {
        var copy = self
        copy.source = version
        return copy
    }
}
