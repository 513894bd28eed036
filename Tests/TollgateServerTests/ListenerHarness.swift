import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing
import TollgateCore
import TollgateServer
import TollgateStore
import TollgateTestKit

@testable import TollgateCLI

/// A listener served with a ``ConnectionGuard``, for tests of its limits and time-outs over real sockets:
/// either the whole gateway started from a `server:` section (``run(server:upstreamPort:_:)``), or a
/// light Hummingbird app with the same guard (``run(limits:_:)``), which spares the CPU of loading the
/// price catalog and the ledger for tests of the connection mechanics alone.
struct ListenerHarness: Sendable {
    /// The port the listener is bound to.
    let port: Int
    /// The listener's connection guard (its count of open connections).
    let connections: ConnectionGuard
    /// The gateway's ledger (nil for the light app).
    let database: LedgerDatabase?
    let group: ServiceGroup
    private let stopped: Watched<Bool>

    /// The caller key the gateway configuration defines.
    static let key = "sk-listener-test-key"

    static func configuration(server: String, upstreamPort: Int, ledgerPath: String) -> String {
        """
        server: \(server)
        storage: {sqlite_path: \(ledgerPath)}
        pricing: {builtin_catalog: false}
        providers:
          - name: sim
            kind: openai
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: sk-upstream-secret
            forward_headers: ["x-sim-*"]
            retries: {max_attempts: 1}
            timeouts: {connect: 2s, first_byte: 60s, idle_read: 60s, total: 120s}
        models:
          - {name: gpt-4o-mini, provider: sim}
        keys:
          - {name: listener-key, key: \(key), team: support}
        """
    }

    static var logger: Logger {
        var logger = Logger(label: "listener-test")
        logger.logLevel = .error
        return logger
    }

    /// Starts a gateway whose `server:` section is `server` (host and port are added), runs `body`, then
    /// shuts it down gracefully unless `body` did, and waits for it to stop. The gateway loads no price
    /// catalog: parsing it costs seconds of CPU in a debug build, which the rest of the suite needs.
    static func run<T: Sendable>(
        server: String, upstreamPort: Int = 9, _ body: @Sendable (ListenerHarness) async throws -> T
    ) async throws -> T {
        let ledgerPath = try GatewayHarness.freshLedgerPath()
        let section = server == "{}" ? "{host: 127.0.0.1, port: 0}" : "{host: 127.0.0.1, port: 0, " + server.dropFirst()
        let text = configuration(server: section, upstreamPort: upstreamPort, ledgerPath: ledgerPath)
        let runtime = try ConfigurationLoader.load(text: text, origin: "listener.yaml", environment: [:])
        let gateway = try await GatewayServer(runtime: runtime, logger: logger)
        do {
            let result = try await serve(connections: gateway.connections, database: gateway.database, body) { onPort in
                gateway.application(logger: logger, onServerRunning: onPort)
            }
            await gateway.gateway.shutdown()
            return result
        } catch {
            await gateway.gateway.shutdown()
            throw error
        }
    }

    /// Serves `GET /healthz` (`ok`) and `POST /upload` (reads the whole body) with `limits` on the listener
    /// `server` describes (``ApplicationConfiguration/gateway(_:)``, as the gateway), runs `body`,
    /// then shuts down gracefully unless `body` did, and waits for the listener to stop.
    static func run<T: Sendable>(
        limits: ConnectionLimits, server: GatewayConfiguration.Server = .init(host: "127.0.0.1", port: 0),
        _ body: @Sendable (ListenerHarness) async throws -> T
    ) async throws -> T {
        let connections = ConnectionGuard(limits: limits, logger: logger)
        return try await serve(connections: connections, database: nil, body) { onPort in
            let router = Router()
            router.get("/healthz") { _, _ in "ok\n" }
            router.post("/upload") { request, _ -> String in
                let bytes = try await request.body.collect(upTo: 64 << 20)
                return "\(bytes.readableBytes)\n"
            }
            return Application(
                router: router, configuration: .gateway(server),
                onServerRunning: { await onPort($0.localAddress?.port ?? 0) }, logger: logger
            ).guarded(by: connections)
        }
    }

    private static func serve<App: Service, T: Sendable>(
        connections: ConnectionGuard, database: LedgerDatabase?, _ body: @Sendable (ListenerHarness) async throws -> T,
        app makeApp: (@escaping @Sendable (Int) async -> Void) -> App
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = makeApp { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let stopped = Watched(false)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { stopped.set() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw SimulatorHarnessError.serverDidNotStart }
            let harness = ListenerHarness(port: port, connections: connections, database: database, group: group, stopped: stopped)
            do {
                let result = try await body(harness)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// Whether the gateway's service group has returned.
    var hasStopped: Bool { stopped.isSet }

    /// Waits up to `bound` for the gateway to stop; true when it did.
    func stopped(within bound: Duration) async -> Bool {
        await stopped.wait(within: bound) { $0 }
    }

    /// A plain `GET /healthz` on a fresh connection; the whole answer, or what came before the gateway
    /// closed it. A test's short header or idle time-out may close a fresh connection before a loaded
    /// machine reads its request, so a connection closed without any answer is tried again (5 times).
    func healthz() async throws -> String {
        var text = ""
        for _ in 0..<5 where text.isEmpty {
            let connection = try await RawConnection.connect(port: port)
            // A refused connection may be closed before the request is even written.
            try? await connection.send("GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
            _ = await connection.closed(within: .seconds(10))
            await connection.close()
            text = connection.text
        }
        return text
    }
}

/// Polls `condition` every 20 ms for up to `bound`.
func eventually(within bound: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + bound
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// A raw TCP connection for tests that misbehave on purpose: send nothing, trickle bytes, hold sockets.
final class RawConnection: Sendable {
    let channel: any Channel
    private let sink: ReceivedBytes

    private init(channel: any Channel, sink: ReceivedBytes) {
        self.channel = channel
        self.sink = sink
    }

    /// Opens a connection to 127.0.0.1:`port`; one that is not `reading` leaves what arrives in a small
    /// socket buffer, as a caller that stopped reading, until ``startReading()``.
    static func connect(port: Int, reading: Bool = true) async throws -> RawConnection {
        let sink = ReceivedBytes()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if !reading {
            bootstrap = bootstrap.channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 4_096)
        }
        let channel =
            try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(sink: sink)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, sink: sink)
    }

    /// Writes `text`; throws once the connection is closed.
    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Starts reading a connection opened without reading.
    func startReading() async throws {
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
    }

    /// Bytes received so far.
    var byteCount: Int { sink.count }

    /// The last `count` bytes received, as text.
    func tail(_ count: Int) -> String { String(decoding: sink.tail(count), as: UTF8.self) }

    /// Everything received so far.
    var text: String { String(decoding: sink.bytes, as: UTF8.self) }

    /// Whether the connection is still open.
    var isOpen: Bool { channel.isActive }

    /// Waits up to `bound` for the peer to close the connection; true when it did.
    func closed(within bound: Duration) async -> Bool {
        await sink.received.wait(within: bound) { $0.closed }
    }

    /// Waits up to `bound` for what has arrived to satisfy `condition` (checked on each arrival); whether it did.
    func received(within bound: Duration, until condition: @escaping @Sendable (ReceivedBytes.Received) -> Bool) async -> Bool {
        await sink.received.wait(within: bound, until: condition)
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close().get()
    }
}

/// Bytes a ``RawConnection`` received, and whether the connection has closed.
final class ReceivedBytes: Sendable {
    struct Received: Sendable {
        var bytes: [UInt8] = []
        var closed = false

        /// Everything received, as text.
        var text: String { String(decoding: bytes, as: UTF8.self) }

        /// The last `count` bytes, as text.
        func tail(_ count: Int) -> String { String(decoding: bytes.suffix(count), as: UTF8.self) }
    }

    let received = Watched(Received())
    func append(_ buffer: ByteBuffer) { received.update { $0.bytes += buffer.readableBytesView } }
    func close() { received.update { $0.closed = true } }
    var bytes: [UInt8] { received.value.bytes }
    var count: Int { received.value.bytes.count }
    func tail(_ count: Int) -> [UInt8] { Array(received.value.bytes.suffix(count)) }
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let sink: ReceivedBytes
    init(sink: ReceivedBytes) { self.sink = sink }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sink.append(unwrapInboundIn(data))
    }
    func channelInactive(context: ChannelHandlerContext) {
        sink.close()
        context.fireChannelInactive()
    }
}
