import TollgateCore
import Logging
import ArgumentParser
import Hummingbird
import ServiceLifecycle
import TollgateProviders
import TollgateServer
import UnixSignals

/// `tollgate simulate --port N`.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the provider simulator: OpenAI and Anthropic dialects, streaming, prompt caching, faults.")

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 9090

    @Option(help: "Milliseconds before the first token.")
    var ttftMs: Int = 0

    @Option(help: "Milliseconds between streamed tokens.")
    var tokenMs: Int = 0

    func run() async throws {
        let logger = makeLogger("tollgate.simulator")
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.timeToFirstToken = .milliseconds(ttftMs)
        configuration.perTokenLatency = .milliseconds(tokenMs)
        let app = buildSimulatorApplication(configuration: configuration, logger: logger)
        logger.info("simulator listening", metadata: ["address": "http://\(host):\(port)"])
        try await app.runService()
    }
}
