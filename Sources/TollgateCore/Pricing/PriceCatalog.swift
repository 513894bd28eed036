/// Dated prices for many models: for each exact model key, the history of its
/// ``ModelPrice`` entries ordered by ``ModelPrice/effectiveFrom``.
///
/// A call is priced with the entry in force at its timestamp. Model keys are exact: there
/// is no prefix or alias guessing (configure an alias explicitly).
public struct PriceCatalog: Sendable {
    /// A label for this catalog's contents (for example a source name and hash), recorded on
    /// every ledger entry it prices.
    public var version: String
    /// Price history per model, ascending by effective date, one entry per date.
    private var history: [String: [ModelPrice]]

    /// Creates a catalog. When two entries share a model and an effective date, the later
    /// one in `prices` wins.
    public init(prices: [ModelPrice], version: String) {
        self.version = version
        self.history = [:]
        insert(prices)
    }

    /// The model keys, sorted.
    public var models: [String] { history.keys.sorted() }

    /// The number of models.
    public var count: Int { history.count }

    /// The number of dated entries over all models.
    public var entryCount: Int { history.values.reduce(0) { $0 + $1.count } }

    /// Every dated entry of `model`, oldest first (empty when the model is unknown).
    public func history(for model: String) -> [ModelPrice] { history[model] ?? [] }

    /// The entry of `model` in force at `unixSeconds`: the one with the latest
    /// ``ModelPrice/effectiveFrom`` not after it. Nil when the model is unknown or all its
    /// entries start later.
    public func price(for model: String, at unixSeconds: Int64) -> ModelPrice? {
        history[model]?.last { $0.effectiveFrom <= unixSeconds }
    }

    /// Prices a call of `model` with `usage` at `unixSeconds`.
    ///
    /// Returns ``CostResult/unpriced(reason:)`` when the model is absent, has no entry in
    /// force at that time, has no usable price for the tokens used, or the arithmetic
    /// overflows — never a zero cost.
    public func cost(model: String, usage: TokenUsage, at unixSeconds: Int64, mode: PricingMode = .standard) -> CostResult {
        guard let entries = history[model] else {
            return .unpriced(reason: "no price for model '\(model)' in catalog \(version)")
        }
        guard let price = entries.last(where: { $0.effectiveFrom <= unixSeconds }) else {
            return .unpriced(reason: "no price for model '\(model)' in force at \(unixSeconds) in catalog \(version)")
        }
        do {
            return .priced(try price.cost(of: usage, mode: mode), priceEffectiveFrom: price.effectiveFrom)
        } catch let error as PricingError {
            return .unpriced(reason: error.description)
        } catch {
            return .unpriced(reason: "model '\(model)': \(error)")
        }
    }

    /// A catalog with `other`'s dated entries added; an entry with the same model and
    /// effective date as an existing one replaces it. The version is kept unless a new one is
    /// given.
    public func merging(_ other: [ModelPrice], version: String? = nil) -> PriceCatalog {
        var merged = self
        merged.insert(other)
        if let version { merged.version = version }
        return merged
    }

    private mutating func insert(_ prices: [ModelPrice]) {
        for price in prices {
            var entries = history[price.model] ?? []
            if let index = entries.firstIndex(where: { $0.effectiveFrom == price.effectiveFrom }) {
                entries[index] = price
            } else {
                let index = entries.firstIndex { $0.effectiveFrom > price.effectiveFrom } ?? entries.endIndex
                entries.insert(price, at: index)
            }
            history[price.model] = entries
        }
    }
}
