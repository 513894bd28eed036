import Logging
import Foundation
import TollgateCore
import TollgateStore

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

    /// The full catalog for serving.
    static func catalog(configuration: GatewayConfiguration, database: LedgerDatabase) throws -> PriceCatalog {
        var catalog = PriceCatalog(prices: [], version: "none")
        if configuration.pricing.builtinCatalog {
            let (prices, version) = try builtin()
            catalog = PriceCatalog(prices: prices.map { $0.from(version) }, version: version)
        }
        let stored = try database.storedPrices()
        if let last = try database.priceVersions().last {
            catalog = catalog.merging(stored.map { $0.price.from($0.version) }, version: last.id)
        }
        let overrides = try configuration.pricing.prices.enumerated().map { i, price in try modelPrice(price, index: i).from("config") }
        if !overrides.isEmpty { catalog = catalog.merging(overrides, version: catalog.version + "+config") }
        return catalog
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
