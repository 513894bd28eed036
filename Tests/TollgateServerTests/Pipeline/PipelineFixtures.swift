import HTTPTypes
import Logging
import NIOCore
import TollgateCore
import TollgateProviders

@testable import TollgateCLI
@testable import TollgateServer

/// A configuration resolved without a server, for testing the pipeline's stages alone.
enum PipelineFixtures {
    static let configuration = """
        providers:
          - {name: openai-up, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-upstream-secret, forward_headers: ["x-sim-*", "x-trace"]}
          - {name: anthropic-up, kind: anthropic, base_url: "http://127.0.0.1:9", api_key: sk-anthropic-secret}
        models:
          - {name: gpt-4o, provider: openai-up}
          - {name: gpt-4o-mini, provider: openai-up, upstream_model: gpt-4o-mini-2024-07-18}
          - {name: claude-sonnet-4-5, provider: anthropic-up}
        keys:
          - {name: any-key, key: sk-any-model-key, team: support}
          - {name: gpt4o-only, key: sk-gpt4o-only-key, team: support, allowed_models: [gpt-4o]}
        """

    /// The runtime for the configuration plus `extra` YAML.
    static func runtime(_ extra: String = "") throws -> GatewayRuntime {
        try ConfigurationLoader.load(text: configuration + "\n" + extra, origin: "pipeline.yaml", environment: [:])
    }

    /// The principal of a configured key.
    static func principal(_ runtime: GatewayRuntime, key: String) -> Principal {
        runtime.principals[key]!
    }

    /// An OpenAI chat request for `model`.
    static func chat(_ model: String, content: String = "hello", extra: String = "") -> [UInt8] {
        Array(#"{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}]\#(extra)}"#.utf8)
    }

    /// A call read by intake from `bytes` on `route`.
    static func incoming(_ runtime: GatewayRuntime, _ bytes: [UInt8], route: RouteKind = .chatCompletions) throws -> IncomingCall {
        let probe = try route.probe(bytes: bytes)
        return IncomingCall(body: ByteBuffer(bytes: bytes), bytes: bytes, probe: probe, model: runtime.models[probe.model]!, headers: [:])
    }

    /// The intake stage over the runtime, with every provider served.
    static func intake(_ runtime: GatewayRuntime) -> Intake {
        Intake(maxBodyBytes: 65_536, models: runtime.models, providers: Set(runtime.providers.keys))
    }

    /// A catalog that prices the configured models.
    static let catalog = PriceCatalog(
        prices: ["gpt-4o", "gpt-4o-mini-2024-07-18", "claude-sonnet-4-5"].map {
            ModelPrice(model: $0, base: RateSet(input: USDRate(perMillion: "1"), output: USDRate(perMillion: "2")))
        }, version: "test")

    /// The admit stage over the runtime's rules.
    static func admitter(_ runtime: GatewayRuntime) throws -> Admitter {
        let governor = Governor(rules: runtime.governance, catalog: catalog)
        return Admitter(governor: governor, intake: intake(runtime), routing: ModelRouting(runtime.configuration.levers.routing))
    }

    static func call(_ route: RouteKind = .chatCompletions) -> CallContext {
        CallContext(route: route, clock: .fixed(1_800_000_000_000), logger: .init(label: "pipeline-test"))
    }
}
