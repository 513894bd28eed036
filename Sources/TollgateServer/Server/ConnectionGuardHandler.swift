import Logging
import NIOCore
import NIOHTTP1

/// The first handler of every client connection: counts it against the connection limit, enforces the
/// header, body and write time-outs, and closes it when a graceful shutdown's grace period ends.
///
/// It sees raw bytes (to notice the start of a request head); ``HTTPExchangeObserver``, placed after the
/// HTTP decoder, tells it about request heads and ends and response ends.
final class ConnectionGuardHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let connections: ConnectionGuard
    private let logger: Logger
    /// Succeeds with `true` when the grace period closed the connection, `false` when it closed otherwise.
    private let closedByDeadline: EventLoopPromise<Bool>
    private var context: ChannelHandlerContext?
    private var deadlines: ConnectionDeadlines?
    private var counted = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private var graceTimer: Scheduled<Void>?
    /// Runs while the connection is unwritable: the caller is not reading what it was sent.
    private var stallTimer: Scheduled<Void>?
    private var lingerTimer: Scheduled<Void>?
    private var settled = false
    /// The bytes of the last read while a request head is incomplete, to tell why the parser refused it.
    private(set) var headBytes: ByteBuffer?

    init(connections: ConnectionGuard, closedByDeadline: EventLoopPromise<Bool>, logger: Logger) {
        self.connections = connections
        self.closedByDeadline = closedByDeadline
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        graceTimer?.cancel()
        stallTimer?.cancel()
        lingerTimer?.cancel()
        lingerTimer = nil
        timer = nil
        graceTimer = nil
        stallTimer = nil
        self.context = nil
        if counted {
            counted = false
            connections.closed()
        }
        settle(forced: false)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadlines?.isReadingHead ?? true { headBytes = unwrapInboundIn(data) }
        deadlines?.bytesReceived(at: .now())
        rearm()
        context.fireChannelRead(data)
    }

    /// The socket's send buffer filled up (the caller stopped reading) or drained again. A response that
    /// cannot be written for `write_timeout` closes the connection: the stream it carries ends, is recorded,
    /// and its provider connection is let go.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else if stallTimer == nil, counted {
            let timeout = TimeAmount(connections.limits.writeTimeout)
            stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                stallTimer = nil
                logger.debug("closing a connection whose caller stopped reading", metadata: ["timeout": "write_timeout"])
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, graceTimer == nil {
            let grace = TimeAmount(connections.limits.shutdownGrace)
            graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: grace) { [self] in
                logger.debug("closing a connection still open when the shutdown grace period ended")
                settle(forced: true)
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Events from the HTTP layer

    /// A complete request head was decoded.
    func headReceived() {
        headBytes = nil
        deadlines?.headReceived(at: .now())
        rearm()
    }

    /// The request body ended.
    func requestEnded() {
        deadlines?.requestEnded()
    }

    /// Whether a request body is still arriving (an early answer, such as 401 or 413, closes the connection).
    var isReadingBody: Bool { deadlines?.isReadingBody ?? false }

    /// Whether the connection is between exchanges or reading a head, with no response owed.
    var owesNoResponse: Bool { deadlines.map { $0.isReadingHead && $0.pendingResponses == 0 } ?? true }

    /// The response went out and the output side is closed: what the caller still sends is read and
    /// dropped for a moment, so it sees the answer instead of a reset, then the connection closes.
    func linger() {
        guard let context, lingerTimer == nil else { return }
        lingerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.lingerTime) { [self] in
            lingerTimer = nil
            context.close(promise: nil)
        }
    }

    /// How long a connection answered early keeps reading before it closes.
    static let lingerTime = TimeAmount.seconds(2)

    /// A response ended.
    func responseEnded() {
        deadlines?.responseEnded()
        rearm()
    }

    // MARK: - Internals

    /// Counts the connection once it is active; one over the limit is closed right after set-up.
    private func start(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        guard connections.opened() else {
            // After set-up has finished, so Hummingbird's handlers are in place when the connection closes.
            let channel = context.channel
            context.eventLoop.assumeIsolated().execute { channel.close(promise: nil) }
            return
        }
        let limits = connections.limits
        deadlines = ConnectionDeadlines(
            openedAt: .now(), headerTimeout: TimeAmount(limits.headerTimeout), bodyTimeout: TimeAmount(limits.bodyTimeout))
        rearm()
    }

    /// Makes sure a timer fires no later than the current deadline. A timer already due earlier is kept:
    /// it re-checks the deadline when it fires, so most exchanges schedule no timer at all.
    private func rearm() {
        guard let context, let deadline = deadlines?.deadline else { return }
        if let pending = timerDeadline, pending <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            fire()
        }
    }

    private func fire() {
        guard let context, let deadlines, let deadline = deadlines.deadline else { return }
        guard deadline <= .now() else { return rearm() }
        let phase: String
        switch deadlines.phase {
        case .body: phase = "body_timeout"
        default: phase = "header_timeout"
        }
        logger.debug("closing a connection that exceeded its time-out", metadata: ["timeout": "\(phase)"])
        context.close(promise: nil)
    }

    private func settle(forced: Bool) {
        guard !settled else { return }
        settled = true
        closedByDeadline.succeed(forced)
    }
}
