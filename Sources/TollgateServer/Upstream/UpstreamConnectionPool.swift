import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections to one provider, kept per event loop.
///
/// A call running on an event loop leases an idle connection of that loop, or opens a new one
/// there: the answer is then read on the thread that serves the caller, with no hop between
/// threads (a call from outside the event loops takes any idle connection). There is no cap on connections
/// in use; at most ``maxIdlePerLoop`` idle ones are kept per loop, each for at most
/// ``idleTimeout``. A connection the provider closes leaves the pool at once.
final class UpstreamConnectionPool: Sendable {
    /// Where the provider listens.
    struct Endpoint: Sendable, Equatable {
        /// Host name or address.
        var host: String
        /// TCP port.
        var port: Int
        /// Whether to speak TLS.
        var tls: Bool

        /// Parses a provider's base URL: where to connect, and the path (and query) every request
        /// path goes under. `nil` unless it is an `http` or `https` URL with a host.
        static func parse(baseURL: String) -> (endpoint: Endpoint, path: String, query: String)? {
            guard let url = URLComponents(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty
            else { return nil }
            let tls = scheme == "https"
            let path = url.percentEncodedPath.hasSuffix("/") ? String(url.percentEncodedPath.dropLast()) : url.percentEncodedPath
            return (Endpoint(host: host, port: url.port ?? (tls ? 443 : 80), tls: tls), path, url.percentEncodedQuery.map { "?" + $0 } ?? "")
        }

        /// The `host` header value.
        var hostHeader: String {
            let literal = host.contains(":") ? "[\(host)]" : host
            return port == (tls ? 443 : 80) ? literal : "\(literal):\(port)"
        }
    }

    /// The provider's address.
    let endpoint: Endpoint
    /// Idle connections kept per event loop.
    let maxIdlePerLoop = 256
    /// How long an idle connection is kept: shorter than common provider keep-alive windows.
    let idleTimeout = TimeAmount.seconds(30)

    private let group: any EventLoopGroup
    private let connectTimeout: TimeAmount
    private let firstByte: TimeAmount
    private let idleRead: TimeAmount
    private let tls: NIOSSLContext?

    private struct Idle {
        let channel: any Channel
        let since: NIODeadline
    }

    private struct State {
        var idle: [ObjectIdentifier: [Idle]] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Creates a pool.
    /// - Throws: If the TLS context cannot be created.
    /// - Parameter trustedCAFile: PEM certificate authorities to trust instead of the system's (TLS only).
    init(
        endpoint: Endpoint, group: any EventLoopGroup, connectTimeout: TimeAmount, firstByte: TimeAmount, idleRead: TimeAmount,
        trustedCAFile: String? = nil
    ) throws {
        self.endpoint = endpoint
        self.group = group
        self.connectTimeout = connectTimeout
        self.firstByte = firstByte
        self.idleRead = idleRead
        if endpoint.tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let trustedCAFile { configuration.trustRoots = .file(trustedCAFile) }
            self.tls = try NIOSSLContext(configuration: configuration)
        } else {
            self.tls = nil
        }
    }

    /// A connection ready for one exchange: an idle one of the current event loop (of any loop when called
    /// from outside the event loops), else a new one.
    func lease() async throws(UpstreamError) -> any Channel {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop
        let now = NIODeadline.now()
        var stale: [any Channel] = []
        let reused: (any Channel)? = state.withLock { s in
            func take(_ key: ObjectIdentifier) -> (any Channel)? {
                while let last = s.idle[key]?.popLast() {
                    if last.channel.isActive, now - last.since < idleTimeout { return last.channel }
                    stale.append(last.channel)
                }
                return nil
            }
            if let loop { return take(ObjectIdentifier(loop)) }
            for key in Array(s.idle.keys) {
                if let channel = take(key) { return channel }
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        if let reused { return reused }
        return try await connect(on: loop ?? group.next())
    }

    /// Takes back a connection whose exchange completed with keep-alive.
    func release(_ channel: any Channel) {
        let key = ObjectIdentifier(channel.eventLoop)
        let keep = state.withLock { s in
            guard !s.closed, s.idle[key, default: []].count < maxIdlePerLoop else { return false }
            s.idle[key, default: []].append(Idle(channel: channel, since: .now()))
            return true
        }
        if !keep { channel.close(promise: nil) }
    }

    /// Forgets a connection that closed.
    func remove(_ channel: any Channel) {
        let key = ObjectIdentifier(channel.eventLoop)
        let id = ObjectIdentifier(channel)
        state.withLock { s in
            s.idle[key]?.removeAll { ObjectIdentifier($0.channel) == id }
        }
    }

    /// Closes every idle connection; connections in use close when their exchange ends.
    func shutdown() async {
        let channels = state.withLock { s in
            s.closed = true
            defer { s.idle = [:] }
            return s.idle.values.flatMap { $0.map(\.channel) }
        }
        for channel in channels { try? await channel.close() }
    }

    private func connect(on loop: any EventLoop) async throws(UpstreamError) -> any Channel {
        let endpoint = self.endpoint
        let tls = self.tls
        let firstByte = self.firstByte
        let idleRead = self.idleRead
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        let serverName = Self.isAddressLiteral(endpoint.host) ? nil : endpoint.host
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(UpstreamConnectionHandler(pool: self, firstByte: firstByte, idleRead: idleRead))
                }
            }
        do {
            return try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch let error as ChannelError {
            if case .connectTimeout = error { throw .connectTimeout }
            throw .connectFailed
        } catch is NIOSSLError {
            throw .tlsError
        } catch {
            throw .connectFailed
        }
    }

    private static func isAddressLiteral(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
