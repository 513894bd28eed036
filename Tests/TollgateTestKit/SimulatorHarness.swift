import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
import Testing
public import TollgateSimulator

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif

/// Runs the simulator on a free port for the duration of a test and talks to it over a real socket.
public struct SimulatorHarness: Sendable {
    /// The port the simulator bound.
    public let port: Int

    /// A harness that talks to whatever listens on `port` (a gateway under test, say).
    public init(port: Int) { self.port = port }

    /// Starts a simulator with `configuration` (its port is forced to 0), runs `body`, then shuts it down.
    public static func run<T: Sendable>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        _ body: @Sendable (SimulatorHarness) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.port = 0
        var logger = Logger(label: "simulator-test")
        logger.logLevel = .warning
        return try await serving(logger: logger) { onPort in
            buildSimulatorApplication(configuration: configuration, logger: logger, onServerRunning: onPort)
        } body: { port in
            try await body(SimulatorHarness(port: port))
        }
    }

    /// Runs the application `makeApp` builds in a service group, waits for the port it reports,
    /// runs `body` with that port, then shuts the group down gracefully.
    public static func serving<App: Service, T: Sendable>(
        logger: Logger,
        _ makeApp: (@escaping @Sendable (Int) async -> Void) -> App,
        body: (Int) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = makeApp { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                await group.triggerGracefulShutdown()
                throw SimulatorHarnessError.serverDidNotStart
            }
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// Sends a request and reads the whole body, chunk by chunk, noting when each chunk arrived.
    ///
    /// Also used to talk to a gateway under test (`SimulatorHarness(port: gatewayPort)`); the default
    /// `authorization` is the test key the gateway tests configure, and `nil` sends none.
    public func send(
        _ method: SimulatorTestMethod = .post,
        _ path: String,
        json: String? = nil,
        headers: [(String, String)] = [],
        authorization: String? = "Bearer sk-test-key",
        timeout: Duration = .seconds(30)
    ) async throws -> SimulatorTestResponse {
        var requestHeaders = HTTPHeaders()
        if let authorization { requestHeaders.add(name: "authorization", value: authorization) }
        for (name, value) in headers { requestHeaders.add(name: name, value: value) }
        if json != nil { requestHeaders.add(name: "content-type", value: "application/json") }
        let httpMethod: HTTPMethod =
            switch method {
            case .get: .GET
            case .post: .POST
            case .delete: .DELETE
            case .put: .PUT
            case .patch: .PATCH
            }
        let request = try HTTPClient.Request(
            url: "http://127.0.0.1:\(port)\(path)", method: httpMethod, headers: requestHeaders,
            body: json.map { .byteBuffer(ByteBuffer(string: $0)) })
        // The delegate API hands over every body byte as it arrives, so a stream the server aborts
        // is observed exactly up to the abort (the pull-based API may drop its last buffered bytes).
        let start = ContinuousClock.now
        let collector = ResponseCollector(start: start)
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let task = HTTPClient.shared.execute(request: request, delegate: collector, deadline: .now() + .nanoseconds(nanoseconds))
        let result: Result<Void, any Error>
        do {
            try await task.futureResult.get()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        let collected = collector.snapshot()
        guard let status = collected.status else {
            if case .failure(let error) = result { throw error }
            throw SimulatorHarnessError.serverDidNotStart
        }
        var bodyError: (any Error)?
        if case .failure(let error) = result { bodyError = error }
        let response = (status: status, headers: collected.headers)
        let headAt = collected.headAt ?? .zero
        let chunks = collected.chunks
        let fields = response.headers
        return SimulatorTestResponse(status: response.status, headers: fields, headAt: headAt, chunks: chunks, bodyError: bodyError)
    }

    /// The simulator's request log.
    public func recordedRequests(requestID: String? = nil) async throws -> [[String: Any]] {
        let query = requestID.map { "?request_id=\($0)" } ?? ""
        let response = try await send(.get, "/_sim/requests\(query)")
        return try #require(try response.object()["requests"] as? [[String: Any]])
    }
}

/// The HTTP methods the tests use (keeps NIO out of the test files).
public enum SimulatorTestMethod: Sendable {
    case get, post, delete, put, patch
}

public enum SimulatorHarnessError: Error {
    case serverDidNotStart
}

/// What a test request got back.
public struct SimulatorTestResponse: Sendable {
    /// One body part and when it arrived.
    public struct Chunk: Sendable {
        public var at: Duration
        public var text: String
    }

    public var status: Int
    public var headers: [String: String]
    public var headAt: Duration
    public var chunks: [Chunk]
    /// Set when the body ended with an error (the connection was aborted).
    public var bodyError: (any Error)?

    /// The whole body as text.
    public var body: String { chunks.map(\.text).joined() }

    /// The body as a JSON object.
    public func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    /// The body split into server-sent events (without the blank-line terminators).
    public var events: [String] {
        body.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }

    /// The JSON payload of an SSE event's `data:` line.
    public static func data(of event: String) throws -> [String: Any] {
        let line = try #require(event.split(separator: "\n").first { $0.hasPrefix("data: ") })
        return try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
    }
}

/// Request bodies used across the simulator tests.
public enum SimulatorBodies {
    /// An OpenAI chat body.
    public static func chat(_ content: String, model: String = "gpt-4o-mini", extra: String = "") -> String {
        "{\"model\":\"\(model)\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"\(content)\"}]\(extra)}"
    }

    /// An Anthropic messages body.
    public static func messages(_ content: String, model: String = "claude-sonnet-4-5", extra: String = "") -> String {
        "{\"model\":\"\(model)\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"\(content)\"}]\(extra)}"
    }
}

/// Collects a response through AsyncHTTPClient's delegate API, timing each chunk.
final class ResponseCollector: HTTPClientResponseDelegate, Sendable {
    typealias Response = Void

    struct Collected: Sendable {
        var status: Int?
        var headers: [String: String] = [:]
        var headAt: Duration?
        var chunks: [SimulatorTestResponse.Chunk] = []
    }

    private let start: ContinuousClock.Instant
    private let state = Mutex(Collected())

    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    func snapshot() -> Collected { state.withLock { $0 } }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let at = ContinuousClock.now - start
        state.withLock { s in
            s.status = Int(head.status.code)
            s.headAt = at
            for header in head.headers { s.headers[header.name.lowercased()] = header.value }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let chunk = SimulatorTestResponse.Chunk(at: ContinuousClock.now - start, text: String(buffer: buffer))
        state.withLock { $0.chunks.append(chunk) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}
