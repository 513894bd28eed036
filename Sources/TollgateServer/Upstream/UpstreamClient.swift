public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
import TollgateCore
import TollgateProviders

/// Calls one provider: timeouts, and bounded retries with backoff for failures before the first byte.
///
/// Retried: connection failures, and 408/409/429/5xx answers (their bodies are discarded), while
/// attempts and the elapsed-time budget last. A provider's `retry-after`/`retry-after-ms` is honoured
/// up to the policy's longest backoff. Time-outs after the request was sent are never retried: the
/// provider may be generating (and billing) already.
public final class UpstreamClient: Sendable {
    /// The HTTP client; its connect and idle-read time-outs come from the provider's configuration.
    public let http: HTTPClient
    let provider: GatewayRuntime.ResolvedProvider

    /// Creates a client for one provider.
    public init(provider: GatewayRuntime.ResolvedProvider, eventLoopGroup: any EventLoopGroup) {
        var configuration = HTTPClient.Configuration()
        let timeouts = provider.configuration.timeouts
        configuration.timeout = .init(connect: .init(timeouts.connect), read: .init(timeouts.idleRead))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1_024)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        configuration.tracing.tracer = nil  // no spans per call; the ledger is the record
        self.http = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
        self.provider = provider
        var endpoints: [RouteKind: URL] = [:]
        for route in [RouteKind.chatCompletions, .embeddings, .messages] {
            endpoints[route] = URL(string: provider.baseURL + route.upstreamPath)
        }
        self.endpoints = endpoints
    }

    /// Each route's upstream URL, parsed once.
    private let endpoints: [RouteKind: URL]

    /// Shuts the client down.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// The outcome of sending a request.
    enum Outcome {
        case response(UpstreamResponse)
        case failure(String, timeout: Bool)
    }

    /// Sends a request, retrying as the provider's policy allows.
    /// - Returns: The final outcome and every attempt made.
    func send(route: RouteKind, body bytes: ByteBuffer, headers: HTTPHeaders) async -> (Outcome, [LedgerEntry.Attempt]) {
        let policy = provider.configuration.retries
        let clock = ContinuousClock()
        let start = clock.now
        var attempts: [LedgerEntry.Attempt] = []
        var backoff = policy.initialBackoff
        var attempt = 0
        while true {
            attempt += 1
            let t0 = clock.now
            do {
                let response = try await attemptOnce(route: route, body: bytes, headers: headers)
                let ms = (clock.now - t0).milliseconds
                let status = response.status
                let retryable = [408, 409, 429, 500, 502, 503, 504, 529].contains(status)
                if retryable, attempt < policy.maxAttempts {
                    let delay = min(Self.retryAfter(response.headers) ?? Self.jitter(backoff), policy.maxBackoff)
                    if clock.now - start + delay < policy.maxElapsed {
                        attempts.append(.init(status: status, ms: ms, error: "http_\(status)"))
                        _ = try? await response.collect(upTo: 1 << 20)
                        try? await Task.sleep(for: delay)
                        backoff = min(backoff * 2, policy.maxBackoff)
                        continue
                    }
                }
                attempts.append(.init(status: status, ms: ms, error: (200..<300).contains(status) ? nil : "http_\(status)"))
                return (.response(response), attempts)
            } catch {
                let ms = (clock.now - t0).milliseconds
                let (label, timeout) = Self.classify(error)
                attempts.append(.init(status: 0, ms: ms, error: label))
                if !timeout, !Task.isCancelled, attempt < policy.maxAttempts {
                    let delay = Self.jitter(backoff)
                    if clock.now - start + delay < policy.maxElapsed {
                        try? await Task.sleep(for: delay)
                        backoff = min(backoff * 2, policy.maxBackoff)
                        continue
                    }
                }
                return (.failure(label, timeout: timeout), attempts)
            }
        }
    }

    /// One attempt: sends the request and waits for the response head within the first-byte time-out.
    private func attemptOnce(route: RouteKind, body: ByteBuffer, headers: HTTPHeaders) async throws -> UpstreamResponse {
        guard let url = endpoints[route] else { throw HTTPClientError.invalidURL }
        let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .byteBuffer(body))
        let delegate = UpstreamDelegate()
        let task = http.execute(request: request, delegate: delegate, eventLoop: .indifferent)
        let timer = task.eventLoop.scheduleTask(in: TimeAmount(provider.configuration.timeouts.firstByte)) {
            delegate.failHead(UpstreamError.firstByteTimeout)
            task.cancel()
        }
        defer { timer.cancel() }
        let head = try await withTaskCancellationHandler {
            try await delegate.head()
        } onCancel: {
            task.cancel()
        }
        return UpstreamResponse(status: Int(head.status.code), headers: head.headers, body: delegate.body, task: task)
    }

    /// Full jitter: a uniformly random delay between half the backoff and the backoff.
    static func jitter(_ backoff: Duration) -> Duration {
        let micros = max(1, backoff.milliseconds * 1_000)
        return .microseconds(Int64.random(in: (micros / 2)...micros))
    }

    /// `retry-after-ms` or `retry-after` (seconds), if the provider sent one.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let ms = headers.first(name: "retry-after-ms").flatMap(Double.init), ms >= 0 { return .milliseconds(Int64(ms)) }
        if let seconds = headers.first(name: "retry-after").flatMap(Double.init), seconds >= 0 {
            return .milliseconds(Int64(seconds * 1_000))
        }
        return nil
    }

    /// A short, metric-safe label for a transport error, and whether it was a time-out.
    static func classify(_ error: any Error) -> (String, Bool) {
        if let error = error as? UpstreamError {
            return error == .firstByteTimeout ? ("first_byte_timeout", true) : ("response_too_large", true)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded: return ("first_byte_timeout", true)
            case .readTimeout: return ("read_timeout", true)
            case .connectTimeout: return ("connect_timeout", false)
            case .remoteConnectionClosed: return ("connection_closed", false)
            case .cancelled: return ("cancelled", true)
            default: return ("http_client_error", false)
            }
        }
        if error is CancellationError { return ("cancelled", true) }
        if error is IOError { return ("connect_failed", false) }
        if let error = error as? ChannelError, case .connectTimeout = error { return ("connect_timeout", false) }
        return ("transport_error", false)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
