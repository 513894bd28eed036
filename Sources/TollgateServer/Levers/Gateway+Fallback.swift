import HTTPTypes
import Logging
import NIOCore
import TollgateCore
import TollgateProviders

/// Where a forwarded call ended up: the last upstream call's outcome, and the model and admission that
/// made it (another than the first after a fallback).
struct Delivery {
    var outcome: UpstreamClient.Outcome
    var attempts: [LedgerEntry.Attempt]
    var outgoing: OutgoingCall
    var admitted: Admitted
    /// The fallback that served the call, when its first model could not.
    var fallback: RouteDecision?
}

/// The fallback lever and the circuit breakers: a call whose provider cannot serve it goes to the next
/// model of its fallback rule; a provider whose circuit is open is not called at all.
extension Gateway {
    /// Sends a call, falling back along its rule's models when a provider cannot be reached or answers
    /// 429 or 5xx after its retries. Each failed upstream call is its own entry (`<id>.<n>`, chained to
    /// the request); a fallback model is admitted like the first (policies, limits, budgets for its price)
    /// before the first model's reservations are released. A time-out after the request was sent is not
    /// fallen back on: the provider may be generating, and billing, already.
    /// - Throws: ``GatewayError`` 503 `provider_unavailable` when every model's circuit is open.
    func deliver(
        _ first: OutgoingCall, incoming: IncomingCall, admitted start: Admitted, principal: Principal, attribution: Attribution,
        call: CallContext
    ) async throws(GatewayError) -> Delivery {
        let breakers = levers.breakers
        let rule = breakers.rule(
            for: Admitter.facts(incoming, model: start.model, attribution: attribution, route: call.route, nowMs: call.startedMs))
        var queue = (rule?.models ?? []).filter { $0 != start.model.name }[...]
        var (outgoing, admitted) = (first, start)
        var fallback: RouteDecision?
        var steps = 0
        while true {
            let provider = outgoing.model.provider.configuration.name
            if case .refuse(let retryAfterMs) = breakers.permission(provider, nowMs: clock.nowMs()) {
                metrics.recordCircuitRefusal(provider)
                let reason = "circuit of \(provider) open"
                guard
                    let next = await nextModel(
                        &queue, after: admitted, rule: rule, reason: reason, incoming: incoming, principal: principal, attribution: attribution,
                        call: call)
                else {
                    throw await circuitOpen(
                        provider, retryAfterMs: retryAfterMs, outgoing: outgoing, admitted: admitted, incoming: incoming, attribution: attribution,
                        call: call)
                }
                (outgoing, admitted, fallback) = (next.outgoing, next.admitted, next.decision)
                continue
            }
            guard let (outcome, attempts) = await forwarder.forward(outgoing, incoming: incoming.headers, requestID: call.id) else {
                throw GatewayError(dialect: call.dialect, RequestError(.internalError, "No upstream client for \(outgoing.model.name)."))
            }
            let failure = Self.fallbackReason(outcome)
            let timedOut = if case .failure(_, true) = outcome { true } else { false }
            if let changed = breakers.record(provider, success: failure == nil && !timedOut, nowMs: clock.nowMs()) {
                metrics.recordCircuit(provider, state: changed)
                logger.notice("circuit \(changed.rawValue)", metadata: ["provider": "\(provider)"])
            }
            guard let failure, !queue.isEmpty,
                let next = await nextModel(
                    &queue, after: admitted, rule: rule, reason: failure, incoming: incoming, principal: principal, attribution: attribution,
                    call: call)
            else {
                return Delivery(outcome: outcome, attempts: attempts, outgoing: outgoing, admitted: admitted, fallback: fallback)
            }
            steps += 1
            await recordStep(
                outcome, attempts: attempts, outgoing: outgoing, admitted: admitted, incoming: incoming, attribution: attribution,
                call: call.upstreamCall(steps))
            (outgoing, admitted, fallback) = (next.outgoing, next.admitted, next.decision)
        }
    }

    /// Why an outcome is fallen back on (`http_503`, `connect_failed`), or nil when it is not.
    static func fallbackReason(_ outcome: UpstreamClient.Outcome) -> String? {
        switch outcome {
        case .failure(let label, let timeout): timeout ? nil : label
        case .response(let response): response.status == 429 || response.status >= 500 ? "http_\(response.status)" : nil
        }
    }

    /// The next model of the list this call may go to, admitted; the previous model's reservations are
    /// released once the next one holds its own. Models of another dialect, outside the key's allowlist,
    /// or refused by governance are passed over.
    func nextModel(
        _ queue: inout ArraySlice<String>, after current: Admitted, rule: FallbackRule?, reason: String, incoming: IncomingCall,
        principal: Principal, attribution: Attribution, call: CallContext
    ) async -> (outgoing: OutgoingCall, admitted: Admitted, decision: RouteDecision)? {
        while let name = queue.popFirst() {
            guard let model = runtime.models[name], intake.serves(model, dialect: call.dialect), Admitter.allows(principal, model) else { continue }
            var start = current
            start.model = model
            start.route = nil
            start.streamGuard = StreamGuard(governor: governor, ticket: nil)
            start.notes.append("fell back from \(current.model.name) to \(model.name) (\(reason)) by rule \(rule?.name ?? "-")")
            start.routedFrom = incoming.model.name
            var next = start
            if governor.isActive {
                let facts = Admitter.facts(incoming, model: model, attribution: attribution, route: call.route, nowMs: call.startedMs)
                guard case .success(let admitted) = admitter.govern(facts, incoming: incoming, start: start, principal: principal, route: call.route)
                else { continue }
                next = admitted
            }
            if let ticket = current.streamGuard.ticket { governor.release(ticket) }
            let decision = RouteDecision(
                rule: rule?.name ?? "-", model: model, requested: incoming.model, reason: "fallback after \(reason)", lever: "fallback")
            metrics.recordFallback(rule: decision.rule, from: current.model.name, to: model.name)
            var outgoing = Levers.apply(incoming, admitted: next, route: call.route)
            do {
                try await fitContext(&outgoing, incoming: incoming, admitted: next, attribution: attribution, call: call)
            } catch {
                continue
            }
            return (outgoing, next, decision)
        }
        return nil
    }

    /// Records a failed upstream call that was fallen back on as its own entry, chained to the request.
    func recordStep(
        _ outcome: UpstreamClient.Outcome, attempts: [LedgerEntry.Attempt], outgoing: OutgoingCall, admitted: Admitted, incoming: IncomingCall,
        attribution: Attribution, call: CallContext
    ) async {
        let admission = Self.admission(incoming, admitted: admitted, attribution: attribution, call: call)
        var entry = Self.entry(admission, outgoing: outgoing, routedFrom: admitted.routedFrom, attempts: attempts)
        entry.leversVersion = levers.version
        let bounds = CallOutcome.Bounds(estimatedInputTokens: incoming.probe.estimatedInputTokens, hasOutput: call.route.hasOutput)
        switch outcome {
        case .failure(let label, _):
            entry.apply(CallOutcome.unreachable(label: label).entryResult(bounds))
        case .response(let response):
            let body = try? await response.collect(upTo: 1 << 20)
            let usage = body.flatMap { call.route.meter(responseBody: $0.readableBytesView).usage }
            entry.apply(CallOutcome.answered(status: response.status, .init(usage: usage, generatedTextBytes: 0, readable: true)).entryResult(bounds))
        }
        entry.durationMs = call.elapsedMs
        await recorder.finish(&entry, model: outgoing.model, ticket: nil)
    }

    /// Records the entry of a call that no open circuit let through (no upstream call, no cost; its
    /// reservations released) and builds the caller's 503.
    func circuitOpen(
        _ provider: String, retryAfterMs: Int64, outgoing: OutgoingCall, admitted: Admitted, incoming: IncomingCall, attribution: Attribution,
        call: CallContext
    ) async -> GatewayError {
        let admission = Self.admission(incoming, admitted: admitted, attribution: attribution, call: call)
        var entry = Self.entry(admission, outgoing: outgoing, routedFrom: admitted.routedFrom, attempts: [])
        entry.leversVersion = levers.version
        entry.apply(CallOutcome.unreachable(label: "circuit_open").entryResult(.init(estimatedInputTokens: 0)))
        entry.httpStatus = 503
        entry.errorMessage = "the circuit of \(provider) is open; not sent"
        entry.durationMs = call.elapsedMs
        await recorder.finish(&entry, model: outgoing.model, ticket: admitted.streamGuard.ticket)
        let seconds = max(1, Int((retryAfterMs + 999) / 1_000))
        return GatewayError(
            dialect: call.dialect,
            RequestError(
                .providerUnavailable,
                "The provider '\(provider)' is failing and its circuit is open; no fallback model could take the call. Retry in \(seconds) s."),
            requestID: call.id, retryAfter: seconds)
    }
}
