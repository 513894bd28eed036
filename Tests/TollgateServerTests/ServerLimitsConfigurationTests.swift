import Hummingbird
import Logging
import Testing
import TollgateCore
import TollgateServer

@testable import TollgateCLI

/// The `server` section's listener keys: defaults, durations, strict decoding with key paths, and
/// what reaches Hummingbird and the connection guard.
@Suite struct ServerLimitsConfigurationTests {
    static func load(server: String) throws -> GatewayRuntime {
        let text = """
            server: \(server)
            providers: [{name: up, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-upstream}]
            models: [{name: gpt-4o-mini, provider: up}]
            """
        return try ConfigurationLoader.load(text: text, origin: "t.yaml", environment: [:])
    }

    static func loadError(server: String) -> String {
        do {
            _ = try load(server: server)
            return "(loaded)"
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsAreSafeForAPublicListener() throws {
        let server = try Self.load(server: "{port: 0}").configuration.server
        #expect(server.listenBacklog == 4_096)
        #expect(server.maxConnections == nil)
        #expect(server.headerTimeout == .seconds(10))
        #expect(server.idleTimeout == .seconds(60))
        #expect(server.bodyTimeout == .seconds(60))
        #expect(server.shutdownGrace == .seconds(20))
        #expect(GatewayConfiguration.Server() == server.with(port: 8_080))
    }

    @Test func keysAreReadWithDurationsWrittenAsElsewhere() throws {
        let server = try Self.load(
            server: "{listen_backlog: 8192, max_connections: 500, header_timeout: 250ms, idle_timeout: 2m, body_timeout: 1.5s, shutdown_grace: 5}"
        ).configuration.server
        #expect(server.listenBacklog == 8_192)
        #expect(server.maxConnections == 500)
        #expect(server.headerTimeout == .milliseconds(250))
        #expect(server.idleTimeout == .seconds(120))
        #expect(server.bodyTimeout == .milliseconds(1_500))
        #expect(server.shutdownGrace == .seconds(5))
    }

    @Test(arguments: [
        ("{listen_backlog: 0}", "server.listen_backlog: must be between 1 and"),
        ("{listen_backlog: lots}", "server.listen_backlog: expected an integer"),
        ("{max_connections: 0}", "server.max_connections: must be at least 1"),
        ("{header_timeout: 0s}", "server.header_timeout: must be longer than zero"),
        ("{idle_timeout: soon}", "server.idle_timeout: 'soon' is not a duration"),
        ("{body_timeout: -1s}", "server.body_timeout: '-1s' is not a duration"),
        ("{shutdown_grace: 0}", "server.shutdown_grace: must be longer than zero"),
        ("{listen_backlg: 10}", "server.listen_backlg: unknown key 'listen_backlg'"),
    ])
    func badValuesAreRefusedWithTheirKeyPath(server: String, message: String) {
        let error = Self.loadError(server: server)
        #expect(error.contains(message), "\(error)")
    }

    @Test func theBacklogReachesHummingbird() throws {
        let server = try Self.load(server: "{host: 127.0.0.1, port: 0, listen_backlog: 1234}").configuration.server
        let configuration = ApplicationConfiguration.gateway(server)
        #expect(configuration.backlog == 1_234)
        #expect(ApplicationConfiguration.gateway(.init()).backlog == 4_096)
    }

    @Test func connectionLimitIsConfiguredOrDerivedFromTheOpenFileLimit() throws {
        let configured = try Self.load(server: "{max_connections: 77, header_timeout: 3s}").configuration.server
        #expect(ConnectionLimits(server: configured, openFileLimit: 1_024).maxConnections == 77)
        #expect(ConnectionLimits(server: configured, openFileLimit: 1_024).headerTimeout == .seconds(3))
        let derived = GatewayConfiguration.Server()
        #expect(ConnectionLimits(server: derived, openFileLimit: 1_024).maxConnections == 384)
        #expect(ConnectionLimits(server: derived, openFileLimit: 1_048_576).maxConnections == 524_160)
        #expect(ConnectionLimits(server: derived, openFileLimit: 100).maxConnections == 16)
    }

    @Test func theOpenFileLimitIsRaisedToTheHardLimit() throws {
        let change = try #require(OpenFileLimit.raiseToHardLimit())
        #expect(change.new >= change.old)
        #if os(Linux)
        #expect(change.new == change.hard)
        #endif
        #expect(OpenFileLimit.soft == change.new)
        let guarded = ConnectionGuard.startUp(.init(), logger: Logger(label: "t"))
        #expect(guarded.limits.maxConnections == ConnectionLimits.defaultMaxConnections(openFileLimit: change.new))
    }
}

extension GatewayConfiguration.Server {
    func with(port: Int) -> Self {
        var copy = self
        copy.port = port
        return copy
    }
}
