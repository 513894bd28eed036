import NIOCore
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateServer

/// The levers stage alone: a body is edited only where Tollgate must act.
@Suite struct LeversTests {
    static func admitted(_ runtime: GatewayRuntime, model: String, maxTokens: Int? = nil, redactors: [PIIRedactor] = []) throws -> Admitted {
        let governor = Governor(rules: .none, catalog: PipelineFixtures.catalog)
        return Admitted(
            model: runtime.models[model]!, maxTokens: maxTokens, redactors: redactors, notes: ["from admission"],
            streamGuard: StreamGuard(governor: governor, ticket: nil))
    }

    @Test func aBodyNoLeverTouchesIsTheBufferAsReceived() throws {
        let runtime = try PipelineFixtures.runtime()
        let bytes = Array("{ \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}],\n  \"model\" : \"gpt-4o\" }".utf8)
        let incoming = try PipelineFixtures.incoming(runtime, bytes)
        let outgoing = Levers.apply(incoming, admitted: try Self.admitted(runtime, model: "gpt-4o"), route: .chatCompletions)
        #expect(!outgoing.edited)
        #expect(outgoing.body == incoming.body)
        #expect(outgoing.notes == ["from admission"] && outgoing.redactions == 0)
    }

    @Test func theUpstreamModelAndTheOutputCapAreWrittenAndNothingElseChanges() throws {
        let runtime = try PipelineFixtures.runtime()
        let incoming = try PipelineFixtures.incoming(runtime, PipelineFixtures.chat("gpt-4o-mini", extra: #", "temperature" : 0.5"#))
        let outgoing = Levers.apply(incoming, admitted: try Self.admitted(runtime, model: "gpt-4o-mini", maxTokens: 32), route: .chatCompletions)
        let sent = String(decoding: outgoing.body.readableBytesView, as: UTF8.self)
        #expect(outgoing.edited)
        #expect(sent.contains(#""model":"gpt-4o-mini-2024-07-18""#))
        #expect(sent.contains(#""max_completion_tokens":32"#))
        #expect(sent.contains(#", "temperature" : 0.5"#))
    }

    @Test func personalDataIsRedactedCountedAndNoted() throws {
        let runtime = try PipelineFixtures.runtime()
        let redactor = PIIRedactor(kinds: [.email])
        let incoming = try PipelineFixtures.incoming(runtime, PipelineFixtures.chat("gpt-4o", content: "mail jane@example.com or joe@example.org"))
        let outgoing = Levers.apply(incoming, admitted: try Self.admitted(runtime, model: "gpt-4o", redactors: [redactor]), route: .chatCompletions)
        let sent = String(decoding: outgoing.body.readableBytesView, as: UTF8.self)
        #expect(outgoing.redactions == 2)
        #expect(!sent.contains("jane@example.com") && !sent.contains("joe@example.org"))
        #expect(outgoing.notes == ["from admission", "redacted email×2"])
    }
}
