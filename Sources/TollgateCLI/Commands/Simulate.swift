import ArgumentParser
import Hummingbird
import Logging
import ServiceLifecycle
import TollgateCore
import TollgateProviders
import TollgateServer
import TollgateSimulator
import UnixSignals

/// `tollgate simulate --port N [--json-style compact|spaced] [--replay FILE ...]`.
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

    @Option(
        name: .customLong("replay"),
        help: "Replay the recorded answers of a RouterBench CSV to requests for its models (repeatable; the first file wins duplicates)."
    )
    var replayFiles: [String] = []

    @Option(help: "Usage of replayed answers: cost (costs the recorded cost at the models' early-2024 list prices) or estimate.")
    var replayUsage: String = ReplayUsageMode.recordedCost.rawValue

    @Option(
        name: .customLong("replay-alias"),
        help: "Another model name for a recorded model, e.g. --replay-alias mixtral=mistralai/mixtral-8x7b-chat (repeatable)."
    )
    var replayAliases: [String] = []

    func validate() throws {
        _ = try faultPlan()
        _ = try style()
        _ = try usageMode()
        _ = try aliases()
    }

    func usageMode() throws -> ReplayUsageMode {
        guard let mode = ReplayUsageMode(name: replayUsage) else {
            throw ValidationError("--replay-usage '\(replayUsage)': use cost or estimate")
        }
        return mode
    }

    func aliases() throws -> [String: String] {
        var aliases: [String: String] = [:]
        for spec in replayAliases {
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--replay-alias '\(spec)': write NAME=RECORDED_MODEL")
            }
            aliases[String(parts[0])] = String(parts[1])
        }
        return aliases
    }

    /// The recordings of `--replay`, with the aliases, or `nil` when no file is given.
    func recordings(logger: Logger) throws -> RecordingSet? {
        guard !replayFiles.isEmpty else { return nil }
        var set: RecordingSet
        do {
            set = try RecordingSet.load(paths: replayFiles)
        } catch {
            throw ValidationError("--replay: \(error)")
        }
        set.aliases = try aliases()
        for (alias, target) in set.aliases where set.resolveModel(target) == nil {
            throw ValidationError("--replay-alias \(alias)=\(target): no recorded model is called '\(target)'")
        }
        for duplicate in set.duplicates {
            logger.warning(
                "replay: a later row repeats a key; the first row keeps it",
                metadata: [
                    "key": "\(duplicate.key.rawValue)", "sample_id": "\(duplicate.sampleID)",
                    "kept": "\(duplicate.keptSource) row \(duplicate.keptRow)",
                    "dropped": "\(duplicate.droppedSource) row \(duplicate.droppedRow)",
                ])
        }
        logger.info(
            "replay loaded",
            metadata: ["prompts": "\(set.prompts.count)", "models": "\(set.models.joined(separator: ", "))", "files": "\(replayFiles.count)"])
        return set
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
        configuration.replay = try recordings(logger: logger)
        configuration.replayUsage = try usageMode()
        let app = buildSimulatorApplication(
            configuration: configuration,
            logger: logger,
            onServerRunning: simulatorListeningAnnouncer(host: host, logger: logger)
        )
        try await app.runService()
    }
}
