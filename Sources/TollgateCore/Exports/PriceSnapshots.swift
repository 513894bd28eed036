/// Every dated price by the version that holds it: the exact price an entry's ``LedgerEntry/priceVersion``
/// and ``LedgerEntry/priceModel`` name, whichever catalog is in force today.
public struct PriceSnapshots: Sendable {
    /// Version → catalog key → dated prices, oldest first.
    private var prices: [String: [String: [ModelPrice]]] = [:]

    /// Indexes prices by their ``ModelPrice/source`` (the version); prices without one are left out.
    public init(_ prices: [ModelPrice]) {
        for price in prices {
            guard let version = price.source else { continue }
            var dated = self.prices[version, default: [:]][price.model, default: []]
            dated.removeAll { $0.effectiveFrom == price.effectiveFrom }
            dated.append(price)
            dated.sort { $0.effectiveFrom < $1.effectiveFrom }
            self.prices[version, default: [:]][price.model] = dated
        }
    }

    /// The price of `model` in `version` in force at `unixSeconds`.
    public func price(version: String, model: String, at unixSeconds: Int64) -> ModelPrice? {
        prices[version]?[model]?.last { $0.effectiveFrom <= unixSeconds }
    }

    /// The cost the entry's own price gives its usage, when the entry names its price and that price
    /// reproduces the ledger's cost exactly; nil otherwise (entries recorded before prices were named).
    public func recordedCost(of entry: LedgerEntry) -> Cost? {
        guard let recorded = entry.costNanoUSD, let version = entry.priceVersion, let model = entry.priceModel,
            let price = price(version: version, model: model, at: entry.timestampMs / 1_000),
            let cost = try? price.cost(of: entry.usage), cost.totalNanoUSD == recorded
        else { return nil }
        return cost
    }
}
