import Logging
import TollgateCore
import TollgateProviders

/// The record stage: makes a call's admission durable before it is forwarded, and when it ends prices
/// its entry, settles its reservations, counts it and hands it to the journal. Refused calls are
/// recorded here too, as `blocked` entries.
struct Recorder: Sendable {
    /// Where admissions and entries go.
    let ledger: any LedgerSink
    /// Prices entries with the dated catalog.
    let pricer: LedgerPricer
    /// Prometheus metrics.
    let metrics: GatewayMetrics
    /// Settles reservations.
    let governor: Governor
    /// Where budget alerts go.
    let alerts: AlertDelivery
    /// Logger.
    let logger: Logger

    /// Makes the admission durable; a call whose admission cannot be written is not forwarded.
    /// - Throws: ``GatewayError`` 503 `ledger_unavailable`, after releasing the call's reservations.
    func admit(_ admission: Admission, call: CallContext, holding streamGuard: StreamGuard) async throws(GatewayError) {
        do {
            try await ledger.admit(admission)
        } catch {
            call.logger.error("ledger admission failed", metadata: ["error": "\(error)"])
            if let ticket = streamGuard.ticket { governor.release(ticket) }
            throw GatewayError(
                dialect: call.dialect,
                RequestError(.ledgerUnavailable, "The ledger is unavailable; the call was not forwarded."),
                requestID: call.id, retryAfter: 1)
        }
    }

    /// Prices an entry, settles its reservations, counts it, and hands it to the journal.
    /// - Parameter route: The routing decision, when a rule served the call with another model than the one
    ///   asked for: what that model would have cost with the same usage, less the cost, is what routing saved.
    ///   - context: What a context budget removed from the body: those input tokens at the served model's price are
    ///     what it saved (added to a route's saving; the cached prefix is never touched, so no cache read is lost).
    func finish(
        _ entry: inout LedgerEntry, model: GatewayRuntime.ResolvedModel, ticket: GovernanceTicket?, route: RouteDecision? = nil,
        context: ContextApplied? = nil
    ) async {
        pricer.price(&entry, priceModel: model.priceModel)
        if let route {
            Self.price(&entry, against: route.requested, served: model, catalog: pricer.catalog)
            if route.lever == "routing" { metrics.recordRoute(route, saved: entry.savedNanoUSD) }
        }
        if let context { Self.price(&entry, removed: context, served: model, catalog: pricer.catalog) }
        if let ticket, ticket.holdsAnything { alerts.deliver(governor.settle(ticket, entry: entry)) }
        metrics.record(entry, model: model.name)
        await ledger.record(entry)
    }

    /// Records on a routed entry what the model asked for would have cost with the same usage, less the
    /// cost, flagged as an estimate when that model is priced differently (its tokenizer and answer differ).
    static func price(
        _ entry: inout LedgerEntry, against requested: GatewayRuntime.ResolvedModel, served: GatewayRuntime.ResolvedModel, catalog: PriceCatalog
    ) {
        guard let cost = entry.costNanoUSD, entry.usage != TokenUsage() else { return }
        guard case .priced(let counterfactual, _) = catalog.cost(model: requested.priceModel, usage: entry.usage, at: entry.timestampMs / 1_000)
        else { return }
        entry.savedNanoUSD = counterfactual.totalNanoUSD - cost
        entry.savedEstimated = requested.priceModel != served.priceModel
    }

    /// Adds to an entry what the input tokens a context budget removed would have cost on the served model
    /// (uncached input: they follow the protected, cached prefix), flagged as an estimate.
    static func price(_ entry: inout LedgerEntry, removed context: ContextApplied, served: GatewayRuntime.ResolvedModel, catalog: PriceCatalog) {
        let removed = TokenUsage(inputUncached: max(0, context.tokensBefore - context.tokensAfter))
        guard entry.costNanoUSD != nil, entry.usage != TokenUsage(),
            case .priced(let cost, _) = catalog.cost(model: served.priceModel, usage: removed, at: entry.timestampMs / 1_000)
        else { return }
        entry.savedNanoUSD = (entry.savedNanoUSD ?? 0) + cost.totalNanoUSD
        entry.savedEstimated = true
    }

    /// Records a refused call as a `blocked` entry and builds the caller's error.
    func refuse(_ refused: Refused, incoming: IncomingCall, call: CallContext) async -> GatewayError {
        let refusal = refused.refusal
        let model = refused.model
        let entry = LedgerEntry(
            id: call.id, timestampMs: refused.facts.nowMs, durationMs: 0, route: call.route.rawValue, provider: model.provider.configuration.name,
            requestedModel: model.name, servedModel: model.upstreamModel, stream: incoming.probe.stream, status: .blocked,
            httpStatus: refusal.httpStatus, usageSource: .none, pricing: .priced, costNanoUSD: 0, attribution: refused.facts.attribution,
            errorMessage: refusal.message, routedFrom: refused.routedFrom, governance: "blocked by \(refusal.rule)")
        metrics.record(entry, model: model.name)
        await ledger.record(entry)
        return GatewayError(refusal, dialect: call.dialect, requestID: call.id)
    }
}
