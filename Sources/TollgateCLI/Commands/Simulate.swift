import ArgumentParser
import Hummingbird
import Logging
import ServiceLifecycle
import TollgateCore
import TollgateProviders
import TollgateServer
import TollgateSimulator
import UnixSignals

/// `tollgate simulate --port N [--json-style compact|spaced]`.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the provider simulator: OpenAI and Anthropic dialects, streaming, prompt caching, faults.")

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the bound port is logged).")
    var port: Int = 9090

    @Option(help: "Milliseconds before the first token.")
    var ttftMs: Int = 0

    @Option(help: "Milliseconds between streamed tokens.")
    var tokenMs: Int = 0

    @Option(
        name: .customLong("fault"),
        help:
            "Inject a fault into a share of requests, e.g. --fault rate_limit=0.05 (repeatable; kinds: \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))."
    )
    var faults: [String] = []

    @Option(help: "Seed for the fault dice (the same seed gives the same faults).")
    var seed: UInt64 = 0x7011_6a7e

    @Option(
        help: "JSON layout of bodies and events: compact, or spaced (as Python's json.dumps); x-sim-json-style overrides it."
    )
    var jsonStyle: String = SimulationJSONStyle.compact.rawValue

    func validate() throws {
        _ = try faultPlan()
        _ = try style()
    }

    func style() throws -> SimulationJSONStyle {
        guard let style = SimulationJSONStyle(name: jsonStyle) else {
            throw ValidationError("--json-style '\(jsonStyle)': use compact or spaced")
        }
        return style
    }

    func faultPlan() throws -> FaultPlan {
        var probabilities: [FaultKind: Double] = [:]
        for spec in faults {
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let kind = FaultKind(name: parts[0]), let p = Double(parts[1]), p >= 0, p <= 1 else {
                throw ValidationError("--fault '\(spec)': write KIND=PROBABILITY with a probability between 0 and 1")
            }
            probabilities[kind] = p
        }
        if probabilities.values.reduce(0, +) > 1 { throw ValidationError("--fault probabilities add up to more than 1") }
        return FaultPlan(probabilities: probabilities, seed: seed)
    }

    func run() async throws {
        let logger = makeLogger("tollgate.simulator")
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.timeToFirstToken = .milliseconds(ttftMs)
        configuration.perTokenLatency = .milliseconds(tokenMs)
        configuration.faults = try faultPlan()
        configuration.jsonStyle = try style()
        let app = buildSimulatorApplication(
            configuration: configuration,
            logger: logger,
            onServerRunning: simulatorListeningAnnouncer(host: host, logger: logger)
        )
        try await app.runService()
    }
}
