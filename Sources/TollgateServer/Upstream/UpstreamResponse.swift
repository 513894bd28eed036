import AsyncHTTPClient
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
    /// Body chunks; ends with an error if the connection fails mid-body.
    let body: AsyncThrowingStream<ByteBuffer, any Error>
    /// The underlying request, to cancel when nobody needs the rest.
    let task: HTTPClient.Task<Void>

    /// Stops the call (closes the upstream connection).
    func cancel() {
        task.cancel()
    }

    /// Reads the whole body, up to `limit` bytes.
    func collect(upTo limit: Int) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for try await var chunk in body {
            guard buffer.readableBytes + chunk.readableBytes <= limit else {
                cancel()
                throw UpstreamError.responseTooLarge
            }
            buffer.writeBuffer(&chunk)
        }
        return buffer
    }
}

/// Failures the upstream client raises itself.
struct UpstreamError: Error, Sendable, Equatable {
    private enum Code { case firstByteTimeout, responseTooLarge }
    private let code: Code

    /// No response head arrived within the first-byte time-out.
    static let firstByteTimeout = UpstreamError(code: .firstByteTimeout)
    /// A non-streaming answer exceeded the configured limit.
    static let responseTooLarge = UpstreamError(code: .responseTooLarge)
}

/// Bridges AsyncHTTPClient's push-based delegate API to a head continuation and a body stream.
final class UpstreamDelegate: HTTPClientResponseDelegate {
    typealias Response = Void

    private struct State {
        var head: HTTPResponseHead?
        var error: (any Error)?
        var waiter: CheckedContinuation<HTTPResponseHead, any Error>?
    }

    private let state = Mutex(State())
    let body: AsyncThrowingStream<ByteBuffer, any Error>
    private let source: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    init() {
        (body, source) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
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

    /// Fails the wait for the head (used by the first-byte timer).
    func failHead(_ error: any Error) {
        resolve(.failure(error))
    }

    private func resolve(_ result: Result<HTTPResponseHead, any Error>) {
        let waiter: CheckedContinuation<HTTPResponseHead, any Error>? = state.withLock { s in
            guard s.head == nil, s.error == nil else { return nil }
            switch result {
            case .success(let head): s.head = head
            case .failure(let error): s.error = error
            }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(with: result)
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        resolve(.success(head))
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        source.yield(buffer)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        source.finish()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        resolve(.failure(error))
        source.finish(throwing: error)
    }
}
