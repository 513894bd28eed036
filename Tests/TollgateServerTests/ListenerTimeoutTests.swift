import Foundation
import Testing
import TollgateServer
import TollgateTestKit

/// The listener's time-outs over real sockets, on a light app behind the gateway's connection guard.
/// Each test isolates one time-out (the others are long), uses a short one, and asserts only that the
/// connection was closed within a generous bound, and never before the time-out (measured from before
/// the client started, so load cannot fake it).
@Suite struct ListenerTimeoutTests {
    static let bound = Duration.seconds(15)

    @Test func aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeOut() async throws {
        try await ListenerHarness.run(
            limits: ConnectionLimits(maxConnections: 1_000, headerTimeout: .milliseconds(400), idleTimeout: .seconds(60), bodyTimeout: .seconds(60))
        ) { gateway in
            let started = ContinuousClock.now
            let connection = try await RawConnection.connect(port: gateway.port)
            #expect(await connection.closed(within: Self.bound))
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            #expect(connection.text.isEmpty)
            // The gateway still serves.
            #expect(try await gateway.healthz().hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aSlowlorisHeadIsClosedAfterTheHeaderTimeOut() async throws {
        try await ListenerHarness.run(
            limits: ConnectionLimits(maxConnections: 1_000, headerTimeout: .seconds(1), idleTimeout: .seconds(60), bodyTimeout: .seconds(60))
        ) { gateway in
            let started = ContinuousClock.now
            let connection = try await RawConnection.connect(port: gateway.port)
            // A head that would take 50 s at one byte per 200 ms.
            let head = "GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Padding: " + String(repeating: "a", count: 250) + "\r\n\r\n"
            var sent = 0
            for byte in head {
                guard connection.isOpen, ContinuousClock.now - started < Self.bound else { break }
                do { try await connection.send(String(byte)) } catch { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(await connection.closed(within: .seconds(2)))
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(sent < head.count, "the whole head went through")
            #expect(connection.text.isEmpty)
        }
    }

    @Test func aKeepAliveConnectionIsClosedAfterTheIdleTimeOut() async throws {
        try await ListenerHarness.run(
            limits: ConnectionLimits(maxConnections: 1_000, headerTimeout: .seconds(60), idleTimeout: .milliseconds(500), bodyTimeout: .seconds(60))
        ) { gateway in
            // The idle time-out also runs before the first request: on a loaded machine it may close a
            // connection before its request is read, so a connection that got no answer is tried again.
            var answered = false
            for _ in 0..<5 where !answered {
                let connection = try await RawConnection.connect(port: gateway.port)
                let sent = ContinuousClock.now
                try? await connection.send("GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
                #expect(await connection.closed(within: Self.bound))
                answered = connection.text.hasPrefix("HTTP/1.1 200") && connection.text.hasSuffix("ok\n")
                if answered { #expect(ContinuousClock.now - sent >= .milliseconds(500)) }
            }
            #expect(answered)
        }
    }

    @Test func aKeepAliveConnectionServesSeveralRequestsWithinItsTimeOuts() async throws {
        // Every phase's time-out is armed and re-armed on the way; none may close a healthy connection.
        // (Long ones: a loaded 2-core machine has been seen to stall a test process for over ten seconds.)
        try await ListenerHarness.run(
            limits: ConnectionLimits(maxConnections: 1_000, headerTimeout: .seconds(60), idleTimeout: .seconds(60), bodyTimeout: .seconds(60))
        ) { gateway in
            let connection = try await RawConnection.connect(port: gateway.port)
            for number in 1...3 {
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
                #expect(await connection.received(within: Self.bound) { $0.text.components(separatedBy: "ok\n").count == number + 1 })
            }
            #expect(connection.isOpen)
            await connection.close()
        }
    }

    @Test func aBodyThatStopsArrivingIsClosedAfterTheBodyTimeOut() async throws {
        try await ListenerHarness.run(
            limits: ConnectionLimits(maxConnections: 1_000, headerTimeout: .seconds(60), idleTimeout: .seconds(60), bodyTimeout: .milliseconds(500))
        ) { gateway in
            let connection = try await RawConnection.connect(port: gateway.port)
            let sent = ContinuousClock.now
            try await connection.send("POST /upload HTTP/1.1\r\nHost: gateway\r\nContent-Length: 1000\r\n\r\n{\"model\":")
            #expect(await connection.closed(within: Self.bound))
            #expect(ContinuousClock.now - sent >= .milliseconds(500))
            #expect(try await gateway.healthz().hasPrefix("HTTP/1.1 200"))
        }
    }
}
