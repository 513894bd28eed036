import ArgumentParser
import Foundation
import Logging
import TollgateCore
import TollgateServer

/// `tollgate serve --config FILE`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway with a configuration file.")

    @Option(name: .shortAndLong, help: "Path of the YAML configuration.")
    var config: String = "tollgate.yaml"

    @Option(help: "Override the configured port.")
    var port: Int?

    func run() async throws {
        var loaded = try loadRuntime(config)
        if let port {
            var configuration = loaded.configuration
            configuration.server.port = port
            loaded = try GatewayRuntime(configuration: configuration, environment: ProcessInfo.processInfo.environment)
        }
        let runtime = loaded
        let listener = runtime.configuration.server
        let flag = "--port (or server.port in \(config))"
        try ListenAddressCheck.requireFree(host: listener.host, port: listener.port, flag: flag)
        let logger = makeLogger("tollgate")
        let server = try await GatewayServer(runtime: runtime, configurationPath: config, logger: logger)
        do {
            try await serve(server, runtime: runtime, logger: logger)
        } catch  where ListenAddressCheck.isAddressInUse(error) {
            throw ListenAddressCheck.inUse(host: listener.host, port: listener.port, flag: flag)
        }
    }

    private func serve(_ server: GatewayServer, runtime: GatewayRuntime, logger: Logger) async throws {
        try await server.run(logger: logger) { port in
            logger.info(
                "tollgate listening",
                metadata: [
                    "address": "http://\(runtime.configuration.server.host):\(port)", "ledger": "\(runtime.configuration.storage.sqlitePath)",
                    "prices": "\(server.catalog.version)", "max_connections": "\(server.connections.limits.maxConnections)",
                ])
        }
    }
}

/// Loads a configuration or exits with its problems.
func loadRuntime(_ path: String) throws -> GatewayRuntime {
    do {
        return try ConfigurationLoader.load(path: path)
    } catch let error as ConfigurationLoader.LoadError {
        throw CommandFailure(error.description)
    }
}
