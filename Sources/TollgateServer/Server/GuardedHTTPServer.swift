public import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// Hummingbird's HTTP/1.1 child channel with a ``ConnectionGuardHandler`` in front of it: the connection
/// limit, the header and body time-outs, and the shutdown grace period.
///
/// Hummingbird's own idle time-out (``ConnectionLimits/idleTimeout``) closes connections that stay
/// silent between requests.
public struct GuardedHTTP1Channel: ServerChildChannel {
    /// A set-up connection: Hummingbird's channel, and whether the shutdown grace period closed it.
    public struct Value: ServerChildChannelValue {
        let http: HTTP1Channel.Value
        /// Succeeds when the connection closes: `true` when the grace period closed it.
        let closedByDeadline: EventLoopFuture<Bool>
        /// The connection.
        public var channel: any Channel { http.channel }
    }

    let http1: HTTP1Channel
    let connections: ConnectionGuard

    /// Creates the child channel.
    /// - Parameters:
    ///   - responder: Hummingbird's HTTP responder.
    ///   - connections: The listener's connection guard.
    public init(responder: @escaping HTTPChannelHandler.Responder, connections: ConnectionGuard) {
        self.http1 = HTTP1Channel(responder: responder, configuration: .init(idleTimeout: TimeAmount(connections.limits.idleTimeout)))
        self.connections = connections
    }

    /// Installs the guard, Hummingbird's HTTP/1 pipeline, and the observer that reports exchanges to the guard.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let closed = channel.eventLoop.makePromise(of: Bool.self)
        let guardHandler = ConnectionGuardHandler(connections: connections, closedByDeadline: closed, logger: logger)
        do {
            try channel.pipeline.syncOperations.addHandler(guardHandler)
        } catch {
            closed.succeed(false)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { http in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(HTTPExchangeObserver(reportingTo: guardHandler), position: .after(decoder))
            return Value(http: http, closedByDeadline: closed.futureResult)
        }.nonisolated()
    }

    /// Serves the connection; when the grace period closes it, the exchange still running is cancelled
    /// (so an upstream call in flight ends now and is recorded as cancelled).
    public func handle(value: Value, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await http1.handle(value: value.http, logger: logger) }
            if (try? await value.closedByDeadline.get()) == true { group.cancelAll() }
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Tollgate's connection limit and time-outs (``GuardedHTTP1Channel``).
    /// - Parameter connections: The listener's connection guard.
    public static func guardedHTTP1(_ connections: ConnectionGuard) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, connections: connections) }
    }
}

/// An application served by ``GuardedHTTP1Channel``: everything else (responder, configuration,
/// services, start-up hooks) is the wrapped application's.
public struct GuardedApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    /// The wrapped application.
    public let base: Base
    /// The connection guard its listener uses.
    public let connections: ConnectionGuard

    /// Wraps `base`.
    /// - Parameters:
    ///   - base: The application.
    ///   - connections: The connection guard for its listener.
    public init(_ base: Base, connections: ConnectionGuard) {
        self.base = base
        self.connections = connections
    }

    public var responder: Base.Responder {
        get async throws { try await base.responder }
    }
    public var server: HTTPServerBuilder { .guardedHTTP1(connections) }
    public var eventLoopGroup: any EventLoopGroup { base.eventLoopGroup }
    public var configuration: ApplicationConfiguration { base.configuration }
    public var logger: Logger { base.logger }
    public var services: [any Service] { base.services }
    public var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }

    public func onServerRunning(_ channel: any Channel) async {
        await base.onServerRunning(channel)
    }
}

extension ApplicationProtocol {
    /// This application, served with the connection limit and time-outs of `connections`.
    /// - Parameter connections: The connection guard for the listener.
    public func guarded(by connections: ConnectionGuard) -> GuardedApplication<Self> {
        GuardedApplication(self, connections: connections)
    }
}
