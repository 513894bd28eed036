import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import TollgateCore
import TollgateProviders

/// One stream on its way from the provider to the caller: frames events, meters them, checks
/// budgets and agent limits before each event is passed on, and knows how the stream ended.
///
/// It holds the stream guard admission handed out, and never buffers more than one read of the
/// provider's stream: the provider is read only as fast as the caller takes the events.
struct StreamRelay {
    let route: RouteKind
    let started: ContinuousClock.Instant
    let total: Duration
    var meter: StreamMeter
    var framer = SSEFramer()
    /// The call's reservations, extended as the stream grows.
    var streamGuard: StreamGuard
    var ttftMs: Int64?
    var clientGone = false
    var upstreamError: String?
    var cutBy: String?
    /// Rebuilds the answer for the response cache, when the call's answer is to be stored.
    var assembler: StreamAnswerAssembler?

    init(route: RouteKind, probe: RequestProbe, streamGuard: StreamGuard, started: ContinuousClock.Instant, total: Duration) {
        self.route = route
        self.started = started
        self.total = total
        self.streamGuard = streamGuard
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
        for event in framer.push(chunk.readableBytesView) where observe(event) {
            if streamGuard.watchesOutput, let rule = streamGuard.check(outputTokens: TokenEstimator.tokens(byteCount: meter.streamedTextBytes)) {
                cutBy = rule
                break
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
        let relay = observe(rest)
        guard complete, relay, !clientGone, cutBy == nil else { return }
        var bytes = Array(rest)
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        bytes.append(contentsOf: [10, 10])
        do { try await writer.write(ByteBuffer(bytes: bytes)) } catch { clientGone = true }
    }

    /// Meters one event (and hands it to the assembler); whether it is passed on to the caller.
    private mutating func observe(_ event: ArraySlice<UInt8>) -> Bool {
        assembler?.observe(event)
        return meter.observe(event)
    }

    /// How the stream ended: its usage (reported, or estimated within the call's output bound) and its first cause of ending.
    func end(status: Int, estimatedInputTokens: Int64, outputBound: Int64?) -> CallOutcome.StreamEnd {
        let (usage, estimated) = meter.finalUsage(estimatedInputTokens: estimatedInputTokens, outputBound: outputBound)
        return CallOutcome.StreamEnd(
            status: status, usage: usage, estimated: estimated, cutBy: cutBy, clientGone: clientGone, providerError: meter.providerError,
            readError: upstreamError, completed: meter.completed)
    }

    /// The error event that tells the SDK the stream failed instead of letting it end silently; nil
    /// when the stream ended properly, the provider sent its own error, or nobody is listening.
    func terminationEvent(message: String) -> String? {
        guard !clientGone, !meter.completed || cutBy != nil, meter.providerError == nil else { return nil }
        let cut = cutBy != nil
        switch route.dialect {
        case .openai:
            let body = ErrorBody.render(
                dialect: .openai, status: cut ? 429 : 502, message: message, code: cut ? "budget_exceeded" : "stream_interrupted")
            return (route == .responses ? "event: error\n" : "") + "data: " + body + "\n\n"
        case .anthropic:
            // 429 is `rate_limit_error`; an interrupted stream is `api_error` (502), not `overloaded_error`.
            return "event: error\ndata: " + ErrorBody.render(dialect: .anthropic, status: cut ? 429 : 502, message: message) + "\n\n"
        }
    }
}
