import Testing
import TollgateCore
import TollgateTestKit

@testable import TollgateCLI

/// `server.metrics_token` puts `/metrics` (team and workflow names with their spend) behind a bearer token.
@Suite struct MetricsTokenTests {
    /// Time-outs longer than any test, so a loaded machine's pause between connecting and sending is not a slow head.
    static let patient = "header_timeout: 120s, idle_timeout: 120s"

    static func get(_ gateway: ListenerHarness, authorization: String?) async throws -> String {
        let connection = try await RawConnection.connect(port: gateway.port)
        let header = authorization.map { "Authorization: \($0)\r\n" } ?? ""
        try? await connection.send("GET /metrics HTTP/1.1\r\nHost: gateway\r\n\(header)Connection: close\r\n\r\n")
        _ = await connection.closed(within: .seconds(10))
        await connection.close()
        return connection.text
    }

    @Test func metricsNeedTheTokenWhenOneIsSet() async throws {
        try await ListenerHarness.run(server: "{metrics_token: s3cret-metrics, " + Self.patient + "}") { gateway in
            let anonymous = try await Self.get(gateway, authorization: nil)
            #expect(anonymous.hasPrefix("HTTP/1.1 401"))
            let wrong = try await Self.get(gateway, authorization: "Bearer wrong")
            #expect(wrong.hasPrefix("HTTP/1.1 401"))
            let served = try await Self.get(gateway, authorization: "bearer s3cret-metrics")
            #expect(served.hasPrefix("HTTP/1.1 200"))
            #expect(served.lowercased().contains("content-type: text/plain"))
        }
    }

    @Test func metricsAreOpenWithoutAToken() async throws {
        try await ListenerHarness.run(server: "{" + Self.patient + "}") { gateway in
            let served = try await Self.get(gateway, authorization: nil)
            #expect(served.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func anEmptyTokenIsAConfigurationError() throws {
        let text = ListenerHarness.configuration(server: "{metrics_token: \"\"}", upstreamPort: 9, ledgerPath: "/tmp/unused.sqlite")
        #expect(throws: (any Error).self) { try ConfigurationLoader.load(text: text, origin: "m.yaml", environment: [:]) }
    }
}
