import HTTPTypes
import NIOHTTP1
import Testing
import TollgateCore

@testable import TollgateServer

/// The forward stage's headers: the provider's credentials, never the caller's key.
@Suite struct ForwarderTests {
    @Test func anOpenAIProviderGetsItsOwnKeyAndTheConfiguredCallerHeadersOnly() throws {
        let runtime = try PipelineFixtures.runtime()
        let incoming: HTTPFields = [
            .authorization: "Bearer sk-any-model-key", HTTPField.Name("x-sim-delay")!: "5", HTTPField.Name("x-trace")!: "t1",
            HTTPField.Name("x-other")!: "no", HTTPField.Name("x-api-key")!: "sk-caller",
        ]
        let headers = Forwarder.headers(incoming, provider: runtime.providers["openai-up"]!, requestID: "tg_1")
        #expect(headers["authorization"] == ["Bearer sk-upstream-secret"])
        #expect(headers["x-api-key"].isEmpty)
        #expect(headers["x-sim-delay"] == ["5"] && headers["x-trace"] == ["t1"])
        #expect(headers["x-other"].isEmpty)
        #expect(headers["x-tollgate-request-id"] == ["tg_1"])
        #expect(headers["content-type"] == ["application/json"])
    }

    @Test func anAnthropicProviderGetsItsKeyAndTheCallersVersionOrTheDefault() throws {
        let runtime = try PipelineFixtures.runtime()
        let provider = runtime.providers["anthropic-up"]!
        let bare = Forwarder.headers([.xAPIKey: "sk-any-model-key"], provider: provider, requestID: "tg_2")
        #expect(bare["x-api-key"] == ["sk-anthropic-secret"])
        #expect(bare["anthropic-version"] == ["2023-06-01"])
        #expect(bare["authorization"].isEmpty)
        let versioned = Forwarder.headers(
            [.xAPIKey: "k", .anthropicVersion: "2024-01-01", HTTPField.Name("anthropic-beta")!: "tools-2024"], provider: provider, requestID: "tg_3")
        #expect(versioned["anthropic-version"] == ["2024-01-01"] && versioned["anthropic-beta"] == ["tools-2024"])
    }
}
