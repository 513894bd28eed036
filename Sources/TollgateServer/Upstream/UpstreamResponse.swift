import NIOCore
import NIOHTTP1
import Synchronization

/// A provider's answer: its head, and its body as a stream that receives every byte the moment
/// the connection does.
///
/// The body is pushed (not pulled) from the connection, so bytes the provider sent just before
/// closing abruptly are never lost between two reads.
struct UpstreamResponse: Sendable {
    /// HTTP status.
    let status: Int
    /// Response headers.
    let headers: HTTPHeaders
    /// The exchange that delivers the body; cancelling it closes the connection.
    let exchange: UpstreamExchange

    /// Body chunks; ends with an error if the connection fails mid-body.
    var body: UpstreamBody { UpstreamBody(exchange: exchange) }

    /// Stops the call (closes the upstream connection).
    func cancel() {
        exchange.cancel()
    }

    /// Reads the whole body, up to `limit` bytes.
    func collect(upTo limit: Int) async throws -> ByteBuffer {
        var buffer: ByteBuffer?
        for try await var chunk in body {
            guard (buffer?.readableBytes ?? 0) + chunk.readableBytes <= limit else {
                cancel()
                throw UpstreamError.responseTooLarge
            }
            if buffer == nil {
                buffer = chunk
            } else {
                buffer!.writeBuffer(&chunk)
            }
        }
        return buffer ?? ByteBuffer()
    }
}

/// Failures of an upstream call, each with the short label the ledger and metrics use.
struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A metric-safe label: `first_byte_timeout`, `connection_closed`, ...
    let label: String
    /// Whether the provider may have received (and be billing) the request: such failures are never retried.
    let timeout: Bool

    /// No response head arrived within the first-byte time-out.
    static let firstByteTimeout = UpstreamError(label: "first_byte_timeout", timeout: true)
    /// The body went silent for longer than the idle-read time-out.
    static let readTimeout = UpstreamError(label: "read_timeout", timeout: true)
    /// A non-streaming answer exceeded the configured limit.
    static let responseTooLarge = UpstreamError(label: "response_too_large", timeout: true)
    /// The call was cancelled (the caller went away, or Tollgate stopped it).
    static let cancelled = UpstreamError(label: "cancelled", timeout: true)
    /// The connection could not be opened within the connect time-out.
    static let connectTimeout = UpstreamError(label: "connect_timeout", timeout: false)
    /// The connection could not be opened.
    static let connectFailed = UpstreamError(label: "connect_failed", timeout: false)
    /// The provider closed the connection before the answer was complete.
    static let connectionClosed = UpstreamError(label: "connection_closed", timeout: false)
    /// The provider's answer was not valid HTTP/1.1.
    static let protocolError = UpstreamError(label: "protocol_error", timeout: false)
    /// The TLS handshake or session failed.
    static let tlsError = UpstreamError(label: "tls_error", timeout: false)

    var description: String { label }
}

/// One request and its answer on an upstream connection, shared by the task that waits for it and
/// the channel handler that feeds it.
final class UpstreamExchange: Sendable {
    private struct State {
        var head: HTTPResponseHead?
        var error: UpstreamError?
        var waiter: CheckedContinuation<HTTPResponseHead, any Error>?
        var channel: (any Channel)?
        var cancelled = false
        /// Body bytes received and not yet taken by the relay.
        var held = 0
        /// Set while the connection has stopped reading because ``held`` is over the budget: lets it read again.
        var resume: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    /// The body, chunk by chunk as the connection reads it.
    let body: AsyncThrowingStream<ByteBuffer, any Error>
    private let source: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    private let buffering: UpstreamBuffering

    init(buffering: UpstreamBuffering = .shared) {
        (body, source) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        self.buffering = buffering
    }

    deinit {
        // Whatever was received and never taken leaves the budget with the exchange.
        buffering.remove(state.withLock { $0.held })
    }

    /// Waits for the response head (or the failure that prevented it).
    func head() async throws -> HTTPResponseHead {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<HTTPResponseHead, any Error>? = state.withLock { s in
                if let head = s.head { return .success(head) }
                if let error = s.error { return .failure(error) }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Binds the exchange to the connection carrying it, so that cancelling closes that connection.
    /// - Returns: `false` when the exchange was cancelled already.
    func attach(_ channel: any Channel) -> Bool {
        state.withLock { s in
            guard !s.cancelled else { return false }
            s.channel = channel
            return true
        }
    }

    /// Stops the exchange: the connection is closed and every waiter fails with ``UpstreamError/cancelled``.
    func cancel() {
        let channel: (any Channel)? = state.withLock { s in
            s.cancelled = true
            s.resume = nil
            return s.channel
        }
        fail(.cancelled)
        channel?.close(promise: nil)
    }

    /// The response head arrived.
    func receiveHead(_ head: HTTPResponseHead) {
        resolveHead(.success(head))
    }

    /// A piece of the body arrived.
    func receiveBody(_ buffer: ByteBuffer) {
        let bytes = buffer.readableBytes
        state.withLock { $0.held += bytes }
        buffering.add(bytes)
        source.yield(buffer)
    }

    /// The relay took `bytes` of the body; a connection paused for this exchange reads again once
    /// it holds little enough.
    func taken(_ bytes: Int) {
        buffering.remove(bytes)
        let resume: (@Sendable () -> Void)? = state.withLock { s in
            s.held -= bytes
            guard s.resume != nil, buffering.mayResume(holding: s.held) else { return nil }
            defer { s.resume = nil }
            return s.resume
        }
        resume?()
    }

    /// Asks whether the connection should stop reading from the provider: when this exchange holds
    /// too much unread body, `resume` is kept and called once the relay has taken enough.
    /// - Returns: `true` when the connection must not read now.
    func pauseReading(resume: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { s in
            guard !s.cancelled, buffering.shouldPause(holding: s.held) else { return false }
            s.resume = resume
            return true
        }
    }

    /// Whether this exchange holds enough unread body that its connection should stop reading.
    var holdsTooMuch: Bool {
        state.withLock { s in buffering.shouldPause(holding: s.held) }
    }

    /// Lets go of the connection once the answer is complete: it may serve another exchange next,
    /// and a late ``cancel()`` of this one must not close it.
    func detach() {
        state.withLock { $0.channel = nil }
    }

    /// The whole answer arrived.
    func finish() {
        source.finish()
    }

    /// The exchange failed: before the head, the wait for it fails; after, the body ends with the error.
    func fail(_ error: UpstreamError) {
        resolveHead(.failure(error))
        source.finish(throwing: error)
    }

    /// Settles the wait for the head once: the first head or failure wins.
    private func resolveHead(_ result: Result<HTTPResponseHead, UpstreamError>) {
        let waiter: CheckedContinuation<HTTPResponseHead, any Error>? = state.withLock { s in
            guard s.head == nil, s.error == nil else { return nil }
            switch result {
            case .success(let head): s.head = head
            case .failure(let error): s.error = error
            }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }
}
