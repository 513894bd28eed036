/// Prices a finished call with the dated catalog and fills the entry's money fields.
public struct LedgerPricer: Sendable {
    /// The catalog used.
    public let catalog: PriceCatalog

    /// Creates a pricer over a catalog.
    public init(catalog: PriceCatalog) {
        self.catalog = catalog
    }

    /// Sets ``LedgerEntry/pricing``, cost, breakdown and price version from the entry's usage.
    ///
    /// - Parameters:
    ///   - entry: The entry, with usage, timestamp and usage source already set.
    ///   - priceModel: The catalog key of the model.
    /// An unknown model, or one whose catalog entry has no price, leaves the cost `nil` and the
    /// status `unpriced`: never zero. A call that consumed no tokens costs exactly zero.
    public func price(_ entry: inout LedgerEntry, priceModel: String) {
        let seconds = entry.timestampMs / 1_000
        switch catalog.cost(model: priceModel, usage: entry.usage, at: seconds) {
        case .priced(let cost, _):
            entry.costNanoUSD = cost.totalNanoUSD
            entry.costBreakdown = CostBreakdown(cost)
            entry.priceVersion = catalog.price(for: priceModel, at: seconds)?.source ?? catalog.version
            entry.priceModel = priceModel
            entry.pricing = entry.usageSource == .estimated ? .estimated : .priced
        case .unpriced(let reason):
            if entry.usage.total == 0 {
                entry.costNanoUSD = 0
                entry.costBreakdown = .init()
                entry.pricing = entry.usageSource == .estimated ? .estimated : .priced
                entry.priceVersion = nil
                entry.priceModel = nil
            } else {
                entry.costNanoUSD = nil
                entry.costBreakdown = .init()
                entry.pricing = .unpriced
                entry.priceVersion = nil
                entry.priceModel = nil
                if entry.errorMessage == nil { entry.errorMessage = "unpriced: \(reason)" }
            }
        }
    }
}

extension CostBreakdown {
    /// Groups a cost's components into the ledger's breakdown columns.
    public init(_ cost: Cost) {
        self.init()
        for component in cost.components {
            switch component.kind {
            case .inputUncached: input += component.nanoUSD
            case .cacheRead: cacheRead += component.nanoUSD
            case .cacheWrite5m, .cacheWrite1h: cacheWrite += component.nanoUSD
            case .outputText: output += component.nanoUSD
            case .reasoning: reasoning += component.nanoUSD
            }
        }
    }
}

extension LedgerEntry {
    /// The entry recovery writes for an admission the process left open (it died mid-call).
    ///
    /// Output is unknown, so usage is the admission's input estimate and the entry is flagged
    /// `estimated` with status `interrupted`.
    public static func interrupted(_ admission: Admission, at nowMs: Int64, pricer: LedgerPricer) -> LedgerEntry {
        var entry = LedgerEntry(
            id: admission.id, timestampMs: admission.timestampMs, durationMs: max(0, nowMs - admission.timestampMs),
            route: admission.route, provider: admission.provider, requestedModel: admission.requestedModel,
            servedModel: admission.upstreamModel, stream: admission.stream, status: .interrupted, httpStatus: 0,
            usage: TokenUsage(inputUncached: admission.estimatedInputTokens), usageSource: .estimated,
            attribution: admission.attribution, clientRetryCount: admission.clientRetryCount,
            errorMessage: "the gateway stopped while the call was in flight; usage estimated by recovery", parentID: admission.parentID
        )
        pricer.price(&entry, priceModel: admission.priceModel)
        return entry
    }
}
