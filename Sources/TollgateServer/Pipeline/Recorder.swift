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
    func finish(_ entry: inout LedgerEntry, model: GatewayRuntime.ResolvedModel, ticket: GovernanceTicket?) async {
        pricer.price(&entry, priceModel: model.priceModel)
        if let ticket, ticket.holdsAnything { alerts.deliver(governor.settle(ticket, entry: entry)) }
        metrics.record(entry, model: model.name)
        await ledger.record(entry)
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
