import NIOCore
import NIOHTTP1
import NIOSSL

/// What the upstream client writes into a connection: one whole request and the exchange that
/// receives its answer.
struct UpstreamRequest: Sendable {
    /// Method, path and headers (including `host` and `content-length`).
    let head: HTTPRequestHead
    /// The body.
    let body: ByteBuffer
    /// Receives the answer.
    let exchange: UpstreamExchange
}

/// Drives one HTTP/1.1 connection to a provider, one exchange at a time.
///
/// A request goes out as head, body and end in a single flush (one `writev`). The answer is
/// pushed into the exchange as it is read. Two time-outs run on one timer: the first byte
/// (request sent → response head) and idle read (the longest silence between two reads after
/// the head). When an answer is complete and both sides allow keep-alive, the connection goes
/// back to its pool; any failure closes it. While the exchange holds more unread body than
/// ``UpstreamBuffering`` allows, the connection stops reading, so a slow caller slows the provider
/// instead of filling memory.
final class UpstreamConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = UpstreamRequest
    typealias OutboundOut = HTTPClientRequestPart

    private let pool: UpstreamConnectionPool
    private let firstByte: TimeAmount
    private let idleRead: TimeAmount
    private var exchange: UpstreamExchange?
    private var headReceived = false
    private var keepAlive = true
    private var sentAt = NIODeadline.now()
    private var lastRead = NIODeadline.now()
    private var timer: Scheduled<Void>?
    /// Body bytes of the current socket read, handed over together when the read completes.
    private var pending: ByteBuffer?
    /// A read the channel asked for and the handler held back until the relay catches up.
    private var readPaused = false

    init(pool: UpstreamConnectionPool, firstByte: TimeAmount, idleRead: TimeAmount) {
        self.pool = pool
        self.firstByte = firstByte
        self.idleRead = idleRead
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard exchange == nil, context.channel.isActive else {
            // Leased twice, or closed between the lease and the write: the caller retries on a fresh connection.
            request.exchange.fail(.connectionClosed)
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        exchange = request.exchange
        headReceived = false
        keepAlive = request.head.isKeepAlive
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
        sentAt = .now()
        arm(context, at: sentAt + min(firstByte, idleRead))
    }

    /// Holds the next socket read back while the exchange's unread body is over its budget.
    func read(context: ChannelHandlerContext) {
        guard !readPaused else { return }
        if let exchange, exchange.holdsTooMuch {
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            if exchange.pauseReading(resume: { loop.execute { bound.value.0.resumeReading(bound.value.1) } }) {
                readPaused = true
                return
            }
        }
        context.read()
    }

    private func resumeReading(_ context: ChannelHandlerContext) {
        guard readPaused else { return }
        readPaused = false
        lastRead = .now()
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else {
            // Bytes nobody asked for: the connection is out of step and cannot be reused.
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status.code >= 200 || head.status == .switchingProtocols else { return }  // 1xx: keep waiting
            headReceived = true
            keepAlive = keepAlive && head.isKeepAlive
            lastRead = .now()
            exchange.receiveHead(head)
        case .body(var buffer):
            lastRead = .now()
            if pending == nil {
                pending = buffer
            } else {
                pending!.writeBuffer(&buffer)
            }
        case .end:
            deliverPending(to: exchange)
            self.exchange = nil
            timer?.cancel()
            timer = nil
            // Back to the pool before the waiter resumes, so its next call can reuse the connection;
            // detached first, so a late cancel of this exchange cannot close it under the next one.
            exchange.detach()
            if keepAlive {
                pool.release(context.channel)
            } else {
                context.close(promise: nil)
            }
            exchange.finish()
        }
    }

    /// One socket read can carry many body parts (a burst of SSE chunks): they reach the exchange
    /// as one buffer, so the relay wakes and writes once per read instead of once per chunk.
    func channelReadComplete(context: ChannelHandlerContext) {
        if let exchange { deliverPending(to: exchange) }
        context.fireChannelReadComplete()
    }

    private func deliverPending(to exchange: UpstreamExchange) {
        if let buffer = pending {
            pending = nil
            exchange.receiveBody(buffer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        pool.remove(context.channel)
        if let exchange {
            self.exchange = nil
            deliverPending(to: exchange)  // what arrived before the close is never lost
            exchange.fail(.connectionClosed)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let exchange {
            self.exchange = nil
            deliverPending(to: exchange)
            exchange.fail(Self.classify(error))
        }
        context.close(promise: nil)
    }

    /// Maps what the channel reports to an ``UpstreamError``.
    static func classify(_ error: any Error) -> UpstreamError {
        if let error = error as? UpstreamError { return error }
        if error is HTTPParserError { return .protocolError }
        if error is NIOSSLError { return .tlsError }
        return .connectionClosed
    }

    private func arm(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.timerFired(context)
        }
    }

    /// One timer serves both time-outs: it is never later than the idle-read deadline, and re-arms
    /// itself until the deadline that applies (first byte before the head, idle read after) has passed.
    private func timerFired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let exchange else { return }
        let now = NIODeadline.now()
        if readPaused {
            // Held back for a slow caller, not a silent provider: the listener's write time-out covers it.
            arm(context, at: now + idleRead)
            return
        }
        if headReceived {
            let due = lastRead + idleRead
            if now < due {
                arm(context, at: due)
                return
            }
        } else {
            let due = sentAt + firstByte
            if now < due {
                arm(context, at: min(due, now + idleRead))
                return
            }
        }
        self.exchange = nil
        deliverPending(to: exchange)
        exchange.fail(headReceived ? .readTimeout : .firstByteTimeout)
        context.close(promise: nil)
    }
}
