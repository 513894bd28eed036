import Foundation
import ServiceLifecycle
import Testing
import TollgateCore
import TollgateServer
import TollgateStore
import TollgateTestKit

/// The connection limit, a burst of clients, and graceful shutdown against clients that would hold it
/// open, over real sockets.
@Suite struct ListenerLimitTests {
    static let bound = Duration.seconds(15)

    @Test func connectionsBeyondTheLimitAreClosedAndTheGatewayServesOnceSomeClose() async throws {
        try await ListenerHarness.run(server: "{max_connections: 4, header_timeout: 60s, idle_timeout: 60s}") { gateway in
            var held: [RawConnection] = []
            for _ in 0..<4 { held.append(try await RawConnection.connect(port: gateway.port)) }
            #expect(await eventually(within: Self.bound) { gateway.connections.openConnections == 4 })
            // Six more idle sockets: each is accepted and closed at once.
            var extra: [RawConnection] = []
            for _ in 0..<6 { extra.append(try await RawConnection.connect(port: gateway.port)) }
            for connection in extra { #expect(await connection.closed(within: Self.bound)) }
            #expect(gateway.connections.rejectedConnections >= 6)
            // A request on a fresh connection is refused too while the limit is reached.
            #expect(!(try await gateway.healthz().contains("200 OK")))
            #expect(held.allSatisfy { $0.isOpen })
            // Once two held connections close, a fresh one is served; the process carried on throughout.
            for connection in held.prefix(2) { await connection.close() }
            #expect(await eventually(within: Self.bound) { gateway.connections.openConnections <= 2 })
            #expect(try await gateway.healthz().hasPrefix("HTTP/1.1 200"))
            #expect(!gateway.hasStopped)
            for connection in held.dropFirst(2) { await connection.close() }
            #expect(await eventually(within: Self.bound) { gateway.connections.openConnections == 0 })
        }
    }

    /// `ss -ltn` shows a listening socket's backlog in its Send-Q column. (Awaits `ss` without blocking a
    /// thread of the concurrency pool, which the whole suite shares.)
    static func listenBacklog(port: Int) async throws -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ss", "-ltnH", "sport", "=", ":\(port)"]
        let output = Pipe()
        process.standardOutput = output
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let columns = text.split(whereSeparator: \.isWhitespace)
        return columns.count > 2 ? Int(columns[2]) : nil
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ss") && ListenBacklog.kernelCap != nil))
    func theListeningSocketHasTheConfiguredBacklogUpToTheKernelsCap() async throws {
        let cap = try #require(ListenBacklog.kernelCap)
        // The gateway's default is 4096, not Hummingbird's 256.
        try await ListenerHarness.run(server: "{}") { gateway in
            let backlog = try await Self.listenBacklog(port: gateway.port)
            #expect(backlog == min(4_096, cap))
        }
        let small = GatewayConfiguration.Server(host: "127.0.0.1", port: 0, listenBacklog: 100)
        try await ListenerHarness.run(limits: ConnectionLimits(maxConnections: 10), server: small) { listener in
            let backlog = try await Self.listenBacklog(port: listener.port)
            #expect(backlog == min(100, cap))
        }
    }

    @Test func shutdownEndsWithinItsGracePeriodWhileABodyTricklesIn() async throws {
        try await ListenerHarness.run(server: "{shutdown_grace: 500ms, header_timeout: 60s, idle_timeout: 60s, body_timeout: 60s}") { gateway in
            let connection = try await RawConnection.connect(port: gateway.port)
            try await connection.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(ListenerHarness.key)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 30000000\r\n\r\n{\"model\":\"gpt-4o-mini\",\"messages\":[")
            try await withThrowingTaskGroup(of: Void.self) { trickle in
                trickle.addTask {
                    // One byte every 100 ms: the body would take more than a month.
                    while connection.isOpen {
                        try? await connection.send(" ")
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                let started = ContinuousClock.now
                await gateway.group.triggerGracefulShutdown()
                #expect(await gateway.stopped(within: Self.bound))
                #expect(ContinuousClock.now - started >= .milliseconds(500))
                #expect(await connection.closed(within: Self.bound))
                trickle.cancelAll()
            }
        }
    }

    @Test func shutdownEndsWithinItsGracePeriodWhileAProviderStallsAndTheCallIsRecorded() async throws {
        try await SimulatorHarness.run { simulator in
            try await ListenerHarness.run(server: "{shutdown_grace: 500ms}", upstreamPort: simulator.port) { gateway in
                let connection = try await RawConnection.connect(port: gateway.port)
                let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hold on"}]}"#
                try await connection.send(
                    "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(ListenerHarness.key)\r\n"
                        + "Content-Type: application/json\r\nX-Sim-Fault: stall\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                // Wait until the provider holds the call.
                var forwarded = false
                for _ in 0..<300 where !forwarded {
                    forwarded = !(try await simulator.recordedRequests()).isEmpty
                    if !forwarded { try await Task.sleep(for: .milliseconds(50)) }
                }
                try #require(forwarded)
                await gateway.group.triggerGracefulShutdown()
                #expect(await gateway.stopped(within: Self.bound))
                #expect(await connection.closed(within: Self.bound))
                // The call the grace period stopped still has its ledger entry (written before the ledger closed).
                let entries = try await #require(gateway.database).latestEntries(limit: 10)
                #expect(entries.count == 1)
                #expect(entries.first?.status == .upstreamError && entries.first?.errorMessage == "upstream cancelled")
            }
        }
    }
}
