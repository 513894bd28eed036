import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import TollgateCore
import TollgateProviders

/// A call that was forwarded: everything its meter and record stages need.
struct ForwardedCall: Sendable {
    let call: CallContext
    let incoming: IncomingCall
    let outgoing: OutgoingCall
    let streamGuard: StreamGuard
    /// What the response cache decided, when a rule covers the call.
    let cache: CacheLookup?
    var entry: LedgerEntry

    /// What the request tells about its usage when the provider reports none.
    var bounds: CallOutcome.Bounds {
        let probe = incoming.probe
        // The most output the provider may generate: the cap the call carried, times its choices.
        let outputBound = (outgoing.maxTokens ?? probe.maxTokens).map { Int64($0) * Int64(max(1, probe.choices)) }
        return CallOutcome.Bounds(
            estimatedInputTokens: probe.estimatedInputTokens, outputBound: outputBound, hasOutput: call.route.hasOutput,
            billed: call.route != .countTokens)
    }
}

/// The meter and record stages of a forwarded call, and its answer to the caller.
extension Gateway {
    /// Records a call whose provider failed and builds the caller's error.
    func failed(_ forwarded: ForwardedCall, label: String, timeout: Bool) async -> GatewayError {
        var entry = forwarded.entry
        entry.durationMs = forwarded.call.elapsedMs
        entry.apply((timeout ? CallOutcome.timedOut(label: label) : .unreachable(label: label)).entryResult(forwarded.bounds))
        await recorder.finish(
            &entry, model: forwarded.outgoing.model, ticket: forwarded.streamGuard.ticket, route: forwarded.outgoing.routing,
            context: forwarded.outgoing.context)
        return GatewayError(
            status: entry.httpStatus, dialect: forwarded.call.dialect,
            RequestError(
                RequestError.Code(rawValue: label),
                timeout
                    ? "The provider did not answer in time; it may still have billed the call, so it is not retried."
                    : "The provider could not be reached (\(label))."),
            requestID: forwarded.call.id, shouldRetry: !timeout)
    }

    /// Reads a complete answer (or an error answer to a streaming request), records it and passes it on.
    func answer(_ response: UpstreamResponse, _ forwarded: ForwardedCall) async throws(GatewayError) -> Response {
        var entry = forwarded.entry
        let model = forwarded.outgoing.model
        let ticket = forwarded.streamGuard.ticket
        let body: ByteBuffer
        do {
            body = try await response.collect(upTo: runtime.configuration.server.maxResponseBytes)
        } catch {
            let (label, _) = UpstreamClient.classify(error)
            entry.durationMs = forwarded.call.elapsedMs
            entry.apply(CallOutcome.bodyCut(label: label).entryResult(forwarded.bounds))
            await recorder.finish(&entry, model: model, ticket: ticket, route: forwarded.outgoing.routing, context: forwarded.outgoing.context)
            throw GatewayError(
                status: entry.httpStatus, dialect: forwarded.call.dialect,
                RequestError(
                    RequestError.Code(rawValue: label),
                    "The provider's answer was cut off (\(label)); it may have billed the call, so it is not retried."),
                requestID: forwarded.call.id, shouldRetry: false)
        }
        entry.durationMs = forwarded.call.elapsedMs
        let metering = forwarded.call.route.meter(responseBody: body.readableBytesView)
        if let served = metering.servedModel { entry.servedModel = served }
        let answer = CallOutcome.Answer(usage: metering.usage, generatedTextBytes: metering.generatedTextBytes, readable: metering.readable)
        entry.apply(CallOutcome.answered(status: response.status, answer).entryResult(forwarded.bounds))
        await recorder.finish(&entry, model: model, ticket: ticket, route: forwarded.outgoing.routing, context: forwarded.outgoing.context)
        let contentType = response.headers.first(name: "content-type") ?? "application/json"
        keep(Array(body.readableBytesView), contentType: contentType, entry: entry, forwarded: forwarded)

        var out = HTTPFields()
        out[.contentType] = contentType
        if let cache = forwarded.cache { out[.tollgateCache] = cache.result.rawValue }
        for name in ["retry-after", "retry-after-ms", "x-should-retry", "x-request-id", "request-id"] {
            if let value = response.headers.first(name: name), let field = HTTPField.Name(name) { out[field] = value }
        }
        out[.tollgateRequestID] = entry.id
        out[.tollgateCost] = entry.costNanoUSD.map(Money.format(nanoUSD:)) ?? "unpriced"
        Self.addRouteHeaders(entry, model: model, to: &out)
        Self.addRateLimitHeaders(ticket, to: &out)
        return Response(status: .init(code: response.status), headers: out, body: .init(byteBuffer: body))
    }

    /// Relays a provider's event stream to the caller and records its entry when it ends.
    func stream(_ response: UpstreamResponse, _ forwarded: ForwardedCall) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.tollgateRequestID] = forwarded.entry.id
        if let cache = forwarded.cache { headers[.tollgateCache] = cache.result.rawValue }
        Self.addRouteHeaders(forwarded.entry, model: forwarded.outgoing.model, to: &headers)
        Self.addRateLimitHeaders(forwarded.streamGuard.ticket, to: &headers)
        let recorder = self.recorder
        let body = ResponseBody { writer in
            var relay = StreamRelay(
                route: forwarded.call.route, probe: forwarded.incoming.probe, streamGuard: forwarded.streamGuard, started: forwarded.call.started,
                total: forwarded.outgoing.model.provider.configuration.timeouts.total)
            if forwarded.cache?.storesAnswer == true { relay.assembler = StreamAnswerAssembler(route: forwarded.call.route) }
            await relay.run(response, writer: &writer)
            var entry = forwarded.entry
            let bounds = forwarded.bounds
            entry.ttftMs = relay.ttftMs
            if let served = relay.meter.servedModel { entry.servedModel = served }
            let end = relay.end(status: response.status, estimatedInputTokens: bounds.estimatedInputTokens, outputBound: bounds.outputBound)
            entry.apply(CallOutcome.streamed(end).entryResult(bounds))
            if let event = relay.terminationEvent(message: entry.errorMessage ?? "stream ended early") {
                try? await writer.write(ByteBuffer(string: event))
            }
            entry.durationMs = forwarded.call.elapsedMs
            await recorder.finish(
                &entry, model: forwarded.outgoing.model, ticket: relay.streamGuard.ticket, route: forwarded.outgoing.routing,
                context: forwarded.outgoing.context)
            if let answer = relay.assembler?.answer() { self.keep(answer, contentType: "application/json", entry: entry, forwarded: forwarded) }
            if !relay.clientGone { try? await writer.finish(nil) }
        }
        return Response(status: .init(code: response.status), headers: headers, body: body)
    }

    /// The call's routing headers, when routing or a downgrade chose its model: the model asked for, the
    /// model that served it, and (once known) what the route saved.
    static func addRouteHeaders(_ entry: LedgerEntry, model: GatewayRuntime.ResolvedModel, to headers: inout HTTPFields) {
        if let from = entry.routedFrom {
            headers[.tollgateRoutedFrom] = from
            headers[.tollgateModel] = model.name
        }
        if entry.lever != nil, let saved = entry.savedNanoUSD {
            headers[.tollgateSaved] = Money.format(nanoUSD: saved)
        }
    }

    /// The call's `x-ratelimit-*` headers, when a rate limit applies.
    static func addRateLimitHeaders(_ ticket: GovernanceTicket?, to headers: inout HTTPFields) {
        guard let snapshot = ticket?.rateLimits else { return }
        for (name, value) in snapshot.httpHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
    }
}
