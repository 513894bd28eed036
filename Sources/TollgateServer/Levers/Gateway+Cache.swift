import HTTPTypes
import Hummingbird
import NIOCore
import TollgateCore
import TollgateProviders

/// The response cache's part of the pipeline: answering a hit, and storing an answer once it is complete.
extension Gateway {
    /// What the cache does for a call about to be forwarded, counted in the metrics.
    /// - Throws: ``GatewayError`` 504 `cache_miss` when the caller said `only-if-cached` and no answer is held
    ///   (the call's reservations released; nothing is forwarded).
    func cacheLookup(
        _ outgoing: OutgoingCall, incoming: IncomingCall, admitted: Admitted, attribution: Attribution, directive: CacheDirective?,
        call: CallContext
    ) throws(GatewayError) -> CacheLookup? {
        let lookup = levers.cache.lookup(
            outgoing,
            facts: Admitter.facts(incoming, model: admitted.model, attribution: attribution, route: call.route, nowMs: call.startedMs),
            directive: directive, call: call)
        if let lookup, lookup.answer == nil { metrics.recordCache(lookup, saved: nil) }
        guard directive == .onlyIfCached, lookup?.answer == nil else { return lookup }
        if let ticket = admitted.streamGuard.ticket { governor.release(ticket) }
        throw GatewayError(
            dialect: call.dialect,
            RequestError(.cacheMiss, "No cached answer for this request, and x-tollgate-cache: only-if-cached forbids calling the model."),
            requestID: call.id)
    }

    /// Answers a call from the cache: records its `cached` entry (provider cost 0, what the hit saved at
    /// today's price, the entry whose answer it serves), settles its reservations, and sends the answer
    /// as the caller asked for it (a stream is synthesised in the caller's dialect).
    func served(
        _ lookup: CacheLookup, answer: CachedAnswer, incoming: IncomingCall, admitted: Admitted, attribution: Attribution, call: CallContext
    ) async -> Response {
        let model = admitted.model
        var entry = LedgerEntry(
            id: call.id, timestampMs: call.startedMs, route: call.route.rawValue, provider: model.provider.configuration.name,
            requestedModel: model.name, servedModel: answer.servedModel.isEmpty ? model.upstreamModel : answer.servedModel,
            stream: incoming.probe.stream, status: .cached, httpStatus: 200, usageSource: .none, attribution: attribution,
            clientRetryCount: incoming.clientRetryCount, routedFrom: admitted.routedFrom,
            governance: (admitted.notes + ["cache hit (rule \(lookup.rule.name))"]).joined(separator: "; "))
        entry.lever = "cache"
        entry.sourceID = answer.sourceEntryID
        entry.leversVersion = levers.version
        if case .priced(let cost, _) = recorder.pricer.catalog.cost(model: model.priceModel, usage: answer.usage, at: call.startedMs / 1_000) {
            entry.savedNanoUSD = cost.totalNanoUSD
        }
        entry.durationMs = call.elapsedMs
        await recorder.finish(&entry, model: model, ticket: admitted.streamGuard.ticket)
        metrics.recordCache(lookup, saved: entry.savedNanoUSD)

        var headers = HTTPFields()
        headers[.tollgateRequestID] = entry.id
        headers[.tollgateCost] = Money.format(nanoUSD: entry.costNanoUSD ?? 0)
        headers[.tollgateCache] = CacheLookup.Result.hit.rawValue
        headers[.tollgateCacheSource] = answer.sourceEntryID
        if let saved = entry.savedNanoUSD { headers[.tollgateSaved] = Money.format(nanoUSD: saved) }
        headers[.age] = String(max(0, (call.startedMs - answer.storedAtMs) / 1_000))
        Self.addRateLimitHeaders(admitted.streamGuard.ticket, to: &headers)
        if incoming.probe.stream,
            let events = CachedAnswerStream.events(body: answer.body, route: call.route, includeUsage: incoming.probe.clientRequestedStreamUsage)
        {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: events)))
        }
        headers[.contentType] = answer.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Keeps a complete answer for the calls that will ask the same: only a success whose usage the
    /// provider reported, priced exactly, and without tool calls unless the rule allows them. Errors, cut
    /// streams, estimated entries and refusals never reach the cache.
    /// The body is read only for an answer that is kept, so a call no rule covers copies nothing.
    func keep(_ answerBody: @autoclosure () -> [UInt8], contentType: String, entry: LedgerEntry, forwarded: ForwardedCall) {
        guard let lookup = forwarded.cache, lookup.storesAnswer, let key = lookup.key else { return }
        guard entry.status == .ok, entry.httpStatus == 200, entry.usageSource == .reported, entry.pricing == .priced else { return }
        let body = answerBody()
        if !lookup.rule.toolCalls {
            guard let document = try? JSONDocument(parsing: body), !ResponseCacheEligibility.callsTools(document, dialect: forwarded.call.dialect)
            else { return }
        }
        let now = clock.nowMs()
        let answer = CachedAnswer(
            body: body, contentType: contentType, usage: entry.usage, sourceEntryID: entry.id,
            expiresAtMs: now + lookup.rule.ttl.milliseconds, servedModel: entry.servedModel, storedAtMs: now)
        lookup.store.store(answer, for: key)
    }
}
