import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import TollgateCore
import TollgateProviders

extension Gateway {
    /// Relays a provider's event stream to the caller and records its entry when it ends.
    func streamResponse(
        _ response: UpstreamResponse, entry: LedgerEntry, probe: RequestProbe, route: RouteKind, model: GatewayRuntime.ResolvedModel,
        started: ContinuousClock.Instant, ticket: GovernanceTicket?, outputBound: Int64?
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.tollgateRequestID] = entry.id
        if let ticket { Self.addRateLimitHeaders(ticket, to: &headers) }
        let body = ResponseBody { [self] writer in
            var relay = StreamRelay(
                gateway: self, route: route, probe: probe, ticket: ticket, started: started,
                total: model.provider.configuration.timeouts.total)
            await relay.run(response, writer: &writer)
            var entry = entry
            relay.settle(&entry, estimatedInputTokens: probe.estimatedInputTokens, outputBound: outputBound)
            if let event = relay.terminationEvent(message: entry.errorMessage ?? "stream ended early") {
                try? await writer.write(ByteBuffer(string: event))
            }
            entry.durationMs = (ContinuousClock.now - started).milliseconds
            await self.finish(&entry, model: model, ticket: relay.ticket)
            if !relay.clientGone { try? await writer.finish(nil) }
        }
        return Response(status: .init(code: response.status), headers: headers, body: body)
    }
}

/// One stream on its way from the provider to the caller: frames events, meters them, checks
/// budgets and agent limits before each event is passed on, and knows how the stream ended.
struct StreamRelay {
    let gateway: Gateway
    let route: RouteKind
    let started: ContinuousClock.Instant
    let total: Duration
    let watchesCost: Bool
    var meter: StreamMeter
    var framer = SSEFramer()
    var ticket: GovernanceTicket?
    var ttftMs: Int64?
    var clientGone = false
    var upstreamError: String?
    var cutBy: String?

    init(gateway: Gateway, route: RouteKind, probe: RequestProbe, ticket: GovernanceTicket?, started: ContinuousClock.Instant, total: Duration) {
        self.gateway = gateway
        self.route = route
        self.started = started
        self.total = total
        self.ticket = ticket
        self.watchesCost = ticket.map { !$0.budgets.isEmpty || $0.holdsAnything } ?? false
        self.meter = StreamMeter(route: route, forwardUsageChunk: route != .chatCompletions || probe.clientRequestedStreamUsage)
    }

    /// Reads the provider's stream to its end (or until the caller leaves, a limit cuts it, or time runs out).
    mutating func run(_ response: UpstreamResponse, writer: inout any ResponseBodyWriter) async {
        var iterator = response.body.makeAsyncIterator()
        reading: while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                upstreamError = UpstreamClient.classify(error).0
                break reading
            }
            guard let chunk else { break reading }
            if ttftMs == nil { ttftMs = (ContinuousClock.now - started).milliseconds }
            let out = relayable(chunk)
            if out.readableBytes > 0 {
                do {
                    try await writer.write(out)
                } catch {
                    clientGone = true
                    break reading
                }
            }
            if cutBy != nil { break reading }
            if ContinuousClock.now - started > total {
                upstreamError = "stream_total_timeout"
                break reading
            }
        }
        if clientGone || upstreamError != nil || cutBy != nil { response.cancel() }
        await flushRest(writer: &writer)
    }

    /// The complete events of one read that may pass. One read may carry many events: budgets and
    /// agent limits are checked before each is passed on, so a cut stream overshoots by at most one event.
    private mutating func relayable(_ chunk: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        for event in framer.push(chunk.readableBytesView) where meter.observe(event) {
            if watchesCost, var held = ticket {
                let output = TokenEstimator.tokens(byteCount: meter.streamedTextBytes)
                if !gateway.governor.continueStream(&held, outputTokens: output) {
                    cutBy = held.budgets.first.map { "budget:\($0)" } ?? "agent limit"
                    break
                }
                ticket = held
            }
            out.writeBytes(event)
        }
        return out
    }

    /// Bytes left after the provider's last blank line. A complete event the provider did not
    /// terminate is passed on with its blank line; a cut one is metered but not relayed, as a
    /// server-sent-events client discards an incomplete event at the end of a stream, so the
    /// caller's stream stays well-framed for the error event that follows.
    private mutating func flushRest(writer: inout any ResponseBodyWriter) async {
        guard let rest = framer.flush() else { return }
        let complete = StreamMeter.isWhole(rest)
        let relay = meter.observe(rest)
        guard complete, relay, !clientGone, cutBy == nil else { return }
        var bytes = Array(rest)
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        bytes.append(contentsOf: [10, 10])
        do { try await writer.write(ByteBuffer(bytes: bytes)) } catch { clientGone = true }
    }

    /// Fills the entry from how the stream ended: usage (reported, or estimated within the call's output bound), status and error.
    func settle(_ entry: inout LedgerEntry, estimatedInputTokens: Int64, outputBound: Int64?) {
        entry.ttftMs = ttftMs
        let (usage, estimated) = meter.finalUsage(estimatedInputTokens: estimatedInputTokens, outputBound: outputBound)
        entry.usage = usage
        entry.usageSource = estimated ? .estimated : .reported
        if let served = meter.servedModel { entry.servedModel = served }
        if let cutBy {
            entry.status = .cancelled
            entry.errorMessage = "the stream was ended by Tollgate: \(cutBy) cannot cover more output"
            entry.governance = [entry.governance, "stream cut by \(cutBy)"].compactMap { $0 }.joined(separator: "; ")
        } else if clientGone {
            entry.status = .cancelled
            entry.errorMessage = "the client went away mid-stream"
        } else if let error = meter.providerError {
            entry.status = .upstreamError
            entry.errorMessage = error
        } else if let upstreamError {
            entry.status = .cancelled
            entry.errorMessage = "the provider stream ended early (\(upstreamError))"
        } else if !meter.completed {
            entry.status = .cancelled
            entry.errorMessage = "the provider stream ended without its final event"
        }
        if clientGone { entry.httpStatus = 499 }
    }

    /// The error event that tells the SDK the stream failed instead of letting it end silently; nil
    /// when the stream ended properly, the provider sent its own error, or nobody is listening.
    func terminationEvent(message: String) -> String? {
        guard !clientGone, !meter.completed || cutBy != nil, meter.providerError == nil else { return nil }
        let cut = cutBy != nil
        switch route.dialect {
        case .openai:
            let body = ErrorBody.render(dialect: .openai, status: cut ? 429 : 502, message: message, code: cut ? "budget_exceeded" : "stream_interrupted")
            return (route == .responses ? "event: error\n" : "") + "data: " + body + "\n\n"
        case .anthropic:
            // 429 is `rate_limit_error`; an interrupted stream is `api_error` (502), not `overloaded_error`.
            return "event: error\ndata: " + ErrorBody.render(dialect: .anthropic, status: cut ? 429 : 502, message: message) + "\n\n"
        }
    }
}
