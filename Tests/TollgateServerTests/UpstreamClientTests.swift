import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Testing
import TollgateCore
import TollgateProviders
import TollgateTestKit

@testable import TollgateServer

/// The upstream client against a scripted HTTP/1.1 server on 127.0.0.1: keep-alive, connections the
/// provider closes, time-outs, chunked bodies, cancellation, connect failures, and TLS.
@Suite struct UpstreamClientTests {
    static let answer = #"{"id":"x","usage":{"prompt_tokens":3,"completion_tokens":2}}"#

    static func ok(_ body: String = answer, close: Bool = false) -> ScriptedUpstream.Step {
        .send(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\(close ? "connection: close\r\n" : "")\r\n\(body)"
        )
    }

    func client(
        _ server: ScriptedUpstream, scheme: String = "http", host: String = "127.0.0.1", firstByte: Duration = .seconds(5),
        idleRead: Duration = .seconds(5), maxAttempts: Int = 1, caFile: String? = nil
    ) throws -> UpstreamClient {
        try client(port: server.port, scheme: scheme, host: host, firstByte: firstByte, idleRead: idleRead, maxAttempts: maxAttempts, caFile: caFile)
    }

    func client(
        port: Int, scheme: String = "http", host: String = "127.0.0.1", firstByte: Duration = .seconds(5),
        idleRead: Duration = .seconds(5), maxAttempts: Int = 1, caFile: String? = nil
    ) throws -> UpstreamClient {
        let provider = GatewayConfiguration.Provider(
            name: "scripted", kind: .openaiCompatible, baseURL: "\(scheme)://\(host):\(port)/v1",
            timeouts: .init(connect: .seconds(2), firstByte: firstByte, idleRead: idleRead, total: .seconds(30)),
            retries: .init(maxAttempts: maxAttempts, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20), maxElapsed: .seconds(120)),
            tlsCAFile: caFile)
        return try UpstreamClient(
            provider: .init(configuration: provider, baseURL: provider.baseURL, apiKey: "sk-upstream"),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    func call(_ client: UpstreamClient) async throws -> (status: Int, body: String, attempts: [LedgerEntry.Attempt]) {
        let (outcome, attempts) = await client.send(route: .chatCompletions, body: ByteBuffer(string: #"{"model":"m"}"#), headers: [:])
        switch outcome {
        case .response(let response):
            let body = try await response.collect(upTo: 1 << 20)
            return (response.status, String(buffer: body), attempts)
        case .failure(let label, _):
            throw UpstreamError(label: label, timeout: false)
        }
    }

    @Test func sequentialCallsShareOneKeepAliveConnection() async throws {
        let server = try await ScriptedUpstream.start { _, _ in [Self.ok()] }
        defer { server.stop() }
        let client = try client(server)
        for _ in 0..<5 {
            let (status, body, attempts) = try await call(client)
            #expect(status == 200)
            #expect(body == Self.answer)
            #expect(attempts.count == 1)
        }
        #expect(server.connections == 1)
        #expect(server.requests.first?.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\n") == true)
        #expect(server.requests.first?.lowercased().contains("host: 127.0.0.1:\(server.port)\r\n") == true)
        #expect(server.requests.first?.hasSuffix(#"{"model":"m"}"#) == true)
        await client.shutdown()
    }

    @Test func aConnectionTheProviderClosesIsNotReused() async throws {
        // The provider answers with keep-alive, then closes the idle connection shortly after.
        let server = try await ScriptedUpstream.start { _, _ in [Self.ok(), .pause(.milliseconds(20)), .close] }
        defer { server.stop() }
        let client = try client(server)
        for i in 0..<3 {
            let (status, _, attempts) = try await call(client)
            #expect(status == 200)
            #expect(attempts.count == 1, "a closed pooled connection must not cost an attempt")
            try await server.waitForClosed(i + 1)
            try await Task.sleep(for: .milliseconds(200))  // for the client's event loop to see the close
        }
        #expect(server.connections == 3)
        await client.shutdown()
    }

    @Test func connectionCloseIsHonoured() async throws {
        let server = try await ScriptedUpstream.start { _, _ in [Self.ok(close: true), .close] }
        defer { server.stop() }
        let client = try client(server)
        for _ in 0..<2 { #expect(try await call(client).status == 200) }
        #expect(server.connections == 2)
        await client.shutdown()
    }

    @Test func chunkedBodiesArriveWhole() async throws {
        let server = try await ScriptedUpstream.start { _, _ in
            [
                .send("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"),
                .send("5\r\n{\"a\":\r\n"), .pause(.milliseconds(30)), .send("3\r\n1}\n\r\n"), .pause(.milliseconds(30)), .send("0\r\n\r\n"),
            ]
        }
        defer { server.stop() }
        let client = try client(server)
        for _ in 0..<2 { #expect(try await call(client).body == "{\"a\":1}\n") }
        #expect(server.connections == 1)
        await client.shutdown()
    }

    @Test func noAnswerWithinTheFirstByteTimeoutFailsWithoutARetry() async throws {
        let server = try await ScriptedUpstream.start { _, _ in [] }
        defer { server.stop() }
        let client = try client(server, firstByte: .milliseconds(300), idleRead: .milliseconds(100), maxAttempts: 3)
        let started = ContinuousClock.now
        let (outcome, attempts) = await client.send(route: .chatCompletions, body: ByteBuffer(string: "{}"), headers: [:])
        let elapsed = ContinuousClock.now - started
        guard case .failure(let label, let timeout) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(label == "first_byte_timeout")
        #expect(timeout)
        #expect(attempts.count == 1)  // the provider may be generating: never retried
        #expect(elapsed >= .milliseconds(290), "\(elapsed)")  // no upper bound: the whole suite shares two cores
        await client.shutdown()
    }

    @Test func aSilentBodyEndsWithTheIdleReadTimeout() async throws {
        let server = try await ScriptedUpstream.start { _, _ in
            [.send("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 100\r\n\r\ndata: 1\n\n"), .pause(.seconds(10))]
        }
        defer { server.stop() }
        let client = try client(server, idleRead: .milliseconds(250))
        let started = ContinuousClock.now  // the silence starts after the head, so at least 250 ms from here
        let (outcome, _) = await client.send(route: .chatCompletions, body: ByteBuffer(string: "{}"), headers: [:])
        guard case .response(let response) = outcome else {
            Issue.record("expected a response head")
            return
        }
        #expect(response.status == 200)
        var received = ""
        do {
            for try await chunk in response.body { received += String(buffer: chunk) }
            Issue.record("the body should have failed")
        } catch let error as UpstreamError {
            #expect(error == .readTimeout)
        }
        #expect(received == "data: 1\n\n")
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(250), "\(elapsed)")
        await client.shutdown()
    }

    @Test func cancellingClosesTheConnectionAndTheNextCallOpensAnother() async throws {
        let server = try await ScriptedUpstream.start { connection, _ in
            connection == 0
                ? [
                    .send("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n"),
                    .pause(.seconds(10)),
                ]
                : [Self.ok()]
        }
        defer { server.stop() }
        let client = try client(server)
        let (outcome, _) = await client.send(route: .chatCompletions, body: ByteBuffer(string: "{}"), headers: [:])
        guard case .response(let response) = outcome else {
            Issue.record("expected a response head")
            return
        }
        var iterator = response.body.makeAsyncIterator()
        #expect(try await iterator.next().map { String(buffer: $0) } == "data: 1\n\n")
        response.cancel()
        try await server.waitForClosed(1)
        #expect(try await call(client).status == 200)
        #expect(server.connections == 2)
        await client.shutdown()
    }

    @Test func anUnreachableProviderIsRetriedThenReported() async throws {
        let refusing = try RefusingPort()
        let client = try client(port: refusing.port, maxAttempts: 3)
        let (outcome, attempts) = await client.send(route: .chatCompletions, body: ByteBuffer(string: "{}"), headers: [:])
        guard case .failure(let label, let timeout) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(label == "connect_failed")
        #expect(!timeout)
        #expect(attempts.map(\.error) == ["connect_failed", "connect_failed", "connect_failed"])
        await client.shutdown()
    }

    @Test func httpsWithATrustedPrivateCA() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl could not make a test certificate")
        let tls = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile("\(directory)/cert.pem").map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: "\(directory)/key.pem", format: .pem))))
        let server = try await ScriptedUpstream.start(tls: tls) { _, _ in [Self.ok()] }
        defer { server.stop() }

        let trusting = try client(server, scheme: "https", host: "localhost", caFile: "\(directory)/cert.pem")
        for _ in 0..<2 { #expect(try await call(trusting).body == Self.answer) }
        #expect(server.connections == 1)
        await trusting.shutdown()

        // Without the CA the certificate is not trusted: the call fails and nothing is sent in clear.
        let systemRoots = try client(server, scheme: "https", host: "localhost")
        let (outcome, _) = await systemRoots.send(route: .chatCompletions, body: ByteBuffer(string: "{}"), headers: [:])
        guard case .failure(let label, _) = outcome else {
            Issue.record("an untrusted certificate was accepted")
            return
        }
        #expect(label == "tls_error" || label == "connection_closed", "\(label)")
        #expect(server.requests.count == 2)
        await systemRoots.shutdown()
    }
}

/// A scripted HTTP/1.1 server: for each request it parses (head and `content-length` body), it plays
/// the steps the script returns for (connection number, request number on that connection).
final class ScriptedUpstream: Sendable {
    enum Step: Sendable {
        case send(String)
        case pause(Duration)
        case close
    }

    typealias Script = @Sendable (_ connection: Int, _ request: Int) -> [Step]

    private let channel: any Channel
    let port: Int
    private let state = Watched((connections: 0, closed: 0, requests: [String]()))

    /// Connections accepted so far.
    var connections: Int { state.value.connections }
    /// Raw requests received so far (head and body).
    var requests: [String] { state.value.requests }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(tls: NIOSSLContext? = nil, _ script: @escaping Script) async throws -> ScriptedUpstream {
        let box = Mutex<ScriptedUpstream?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let server = box.withLock { $0 }!
                    let number = server.state.update { s in
                        s.connections += 1
                        return s.connections - 1
                    }
                    if let tls { try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try child.pipeline.syncOperations.addHandler(Handler(server: server, connection: number, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let server = ScriptedUpstream(channel: channel)
        box.withLock { $0 = server }
        return server
    }

    func stop() {
        channel.close(promise: nil)
    }

    /// Waits until `count` connections have been closed (by either side).
    func waitForClosed(_ count: Int) async throws {
        try #require(await state.wait(within: .seconds(2)) { $0.closed >= count }, "no connection closed")
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let server: ScriptedUpstream
        let connection: Int
        let script: Script
        var buffer = ByteBuffer()
        var requests = 0

        init(server: ScriptedUpstream, connection: Int, script: @escaping Script) {
            self.server = server
            self.connection = connection
            self.script = script
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            buffer.writeBuffer(&chunk)
            while let request = takeRequest() {
                server.state.update { $0.requests.append(request) }
                play(script(connection, requests)[...], context: context)
                requests += 1
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            server.state.update { $0.closed += 1 }
            context.fireChannelInactive()
        }

        private func takeRequest() -> String? {
            let text = String(buffer: buffer)
            guard let end = text.range(of: "\r\n\r\n") else { return nil }
            let head = text[..<end.lowerBound].lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let headBytes = text[..<end.upperBound].utf8.count
            guard buffer.readableBytes >= headBytes + length else { return nil }
            let request = buffer.readString(length: headBytes + length) ?? ""
            return request
        }

        private func play(_ steps: ArraySlice<Step>, context: ChannelHandlerContext) {
            guard let step = steps.first else { return }
            let rest = steps.dropFirst()
            switch step {
            case .send(let text):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
                play(rest, context: context)
            case .pause(let duration):
                context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(duration)) { [self] in
                    self.play(rest, context: context)
                }
            case .close:
                context.close(promise: nil)
            }
        }
    }
}
