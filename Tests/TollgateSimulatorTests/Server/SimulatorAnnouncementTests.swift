import Logging
import Synchronization
import Testing
import TollgateSimulator
import TollgateTestKit

/// Keeps every message logged through it, for tests that assert on logs.
final class CapturingLogHandler: LogHandler, Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    var logged: [Entry] { entries.withLock { $0 } }

    func log(event: LogEvent) {
        var flat: [String: String] = [:]
        for (key, value) in event.metadata ?? [:] { flat[key] = "\(value)" }
        let entry = Entry(level: event.level, message: "\(event.message)", metadata: flat)
        entries.withLock { $0.append(entry) }
    }
}

@Suite struct SimulatorAnnouncementTests {
    @Test func portZeroLogsThePortActuallyBound() async throws {
        // Given: a simulator on port 0 whose start-up callback is the CLI's announcer.
        let handler = CapturingLogHandler()
        let logger = Logger(label: "simulator-announce") { _ in handler }
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        let announce = simulatorListeningAnnouncer(host: configuration.host, logger: logger)
        // When
        let port = try await SimulatorHarness.serving(logger: logger) { onPort in
            buildSimulatorApplication(configuration: configuration, logger: logger) { port in
                await announce(port)
                await onPort(port)
            }
        } body: { port in
            let health = try await SimulatorHarness(port: port).send(.get, "/healthz")
            #expect(health.status == 200)
            return port
        }
        // Then
        #expect(port != 0)
        let entry = try #require(handler.logged.first { $0.message == "simulator listening" })
        #expect(entry.level == .info)
        #expect(entry.metadata["address"] == "http://127.0.0.1:\(port)")
        #expect(entry.metadata["port"] == String(port))
    }
}
