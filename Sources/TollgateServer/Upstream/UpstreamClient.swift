import Foundation
public import Logging
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
    let provider: GatewayRuntime.ResolvedProvider
    /// Keep-alive connections to the provider.
    let pool: UpstreamConnectionPool
    /// Each route's request path (with the base URL's path and query), computed once.
    private let paths: [RouteKind: String]
    /// Logs when the provider stops and starts answering.
    private let reachability: ProviderReachability

    /// Creates a client for one provider.
    /// - Parameters:
    ///   - provider: The provider.
    ///   - eventLoopGroup: Where its connections run.
    ///   - logger: Where a change in the provider's reachability is logged.
    /// - Throws: ``ConfigurationError`` when the provider's base URL is not an `http` or `https` URL.
    public init(
        provider: GatewayRuntime.ResolvedProvider, eventLoopGroup: any EventLoopGroup, logger: Logger = Logger(label: "tollgate.upstream")
    ) throws {
        guard let (endpoint, basePath, query) = UpstreamConnectionPool.Endpoint.parse(baseURL: provider.baseURL) else {
            throw ConfigurationError(issues: [
                .init(path: "providers.\(provider.configuration.name).base_url", message: "'\(provider.baseURL)' is not an http(s) URL")
            ])
        }
        let timeouts = provider.configuration.timeouts
        self.pool = try UpstreamConnectionPool(
            endpoint: endpoint, group: eventLoopGroup, connectTimeout: TimeAmount(timeouts.connect), firstByte: TimeAmount(timeouts.firstByte),
            idleRead: TimeAmount(timeouts.idleRead), trustedCAFile: provider.configuration.tlsCAFile)
        self.provider = provider
        self.reachability = ProviderReachability(
            provider: provider.configuration.name, address: "\(endpoint.tls ? "https" : "http")://\(endpoint.hostHeader)", logger: logger)
        var paths: [RouteKind: String] = [:]
        for route in RouteKind.allCases {
            paths[route] = basePath + route.upstreamPath + query
        }
        self.paths = paths
    }

    /// Shuts the client down.
    public func shutdown() async {
        await pool.shutdown()
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
                reachability.note(failure: nil)
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
                reachability.note(failure: label)
                return (.failure(label, timeout: timeout), attempts)
            }
        }
    }

    /// One attempt: sends the request and waits for the response head within the first-byte time-out.
    private func attemptOnce(route: RouteKind, body: ByteBuffer, headers: HTTPHeaders) async throws -> UpstreamResponse {
        guard let path = paths[route] else { throw UpstreamError.protocolError }
        var headers = headers
        headers.add(name: "host", value: pool.endpoint.hostHeader)
        headers.add(name: "content-length", value: String(body.readableBytes))
        let exchange = UpstreamExchange()
        let head = try await withTaskCancellationHandler {
            let channel = try await pool.lease()
            guard exchange.attach(channel) else {
                pool.release(channel)
                throw UpstreamError.cancelled
            }
            let request = UpstreamRequest(
                head: HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers), body: body, exchange: exchange)
            channel.writeAndFlush(request).whenFailure { _ in exchange.fail(.connectionClosed) }
            return try await exchange.head()
        } onCancel: {
            exchange.cancel()
        }
        return UpstreamResponse(status: Int(head.status.code), headers: head.headers, exchange: exchange)
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

    /// A short, metric-safe label for a transport error, and whether it was a time-out (never retried).
    static func classify(_ error: any Error) -> (String, Bool) {
        if let error = error as? UpstreamError { return (error.label, error.timeout) }
        if error is CancellationError { return (UpstreamError.cancelled.label, true) }
        return ("transport_error", false)
    }
}
