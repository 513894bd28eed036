import Foundation
import Logging
import Testing
import TollgateCore
import TollgateServer
import TollgateStore
import TollgateTestKit

@testable import TollgateCLI

/// A gateway in front of a scripted provider that writes valid JSON its own way, cuts streams and
/// misbehaves: every valid answer is metered the same, and every broken one is estimated, never free.
@Suite struct ProviderQuirksTests {
    struct Harness: Sendable {
        let upstream: ScriptedUpstream
        let gateway: SimulatorHarness
        let database: LedgerDatabase
        let journal: LedgerJournal

        func entry(_ id: String?) async throws -> LedgerEntry {
            try await journal.settledEntry(id, in: database)
        }

        /// The body of the last request the provider received.
        var lastUpstreamBody: String {
            let request = upstream.requests.last ?? ""
            return request.range(of: "\r\n\r\n").map { String(request[$0.upperBound...]) } ?? ""
        }
    }

    static func run(
        server: String = "{host: 127.0.0.1, port: 0}", extra: String = "", _ script: @escaping ScriptedUpstream.Script,
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        let upstream = try await ScriptedUpstream.start(script)
        defer { upstream.stop() }
        let ledger = try GatewayHarness.freshLedgerPath()
        let text = """
            server: \(server)
            storage: {sqlite_path: \(ledger)}
            providers:
              - {name: oai, kind: openai, base_url: "http://127.0.0.1:\(upstream.port)/v1", api_key: sk-up, retries: {max_attempts: 1}}
              - {name: ant, kind: anthropic, base_url: "http://127.0.0.1:\(upstream.port)", api_key: sk-up, retries: {max_attempts: 1}}
            models:
              - {name: gpt-4o-mini, provider: oai, aliases: [fast]}
              - {name: claude-sonnet-4-5, provider: ant}
            keys:
              - {name: k, key: sk-test-key, team: t}
            \(extra)
            """
        let runtime = try ConfigurationLoader.load(text: text, origin: "quirks.yaml", environment: [:])
        var logger = Logger(label: "quirks")
        logger.logLevel = .error
        let server = try await GatewayServer(runtime: runtime, configurationPath: nil, logger: logger)
        try await SimulatorHarness.serving(logger: logger) { onPort in
            server.application(logger: logger, onServerRunning: onPort)
        } body: { port in
            try await body(Harness(upstream: upstream, gateway: SimulatorHarness(port: port), database: server.database, journal: server.journal))
        }
        await server.gateway.shutdown()
    }

    /// A script that plays `steps` for every request.
    static func always(_ steps: [ScriptedUpstream.Step]) -> ScriptedUpstream.Script { { _, _ in steps } }

    static func answer(_ body: String, type: String = "application/json") -> [ScriptedUpstream.Step] {
        [.send("HTTP/1.1 200 OK\r\ncontent-type: \(type)\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)")]
    }

    /// A chunked event stream; `cut` closes the connection after the last piece instead of ending it.
    static func stream(_ pieces: [String], cut: Bool = false) -> [ScriptedUpstream.Step] {
        var steps: [ScriptedUpstream.Step] = [.send("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")]
        for piece in pieces { steps.append(.send(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n")) }
        steps.append(cut ? .close : .send("0\r\n\r\n"))
        return steps
    }

    static let chat = SimulatorBodies.chat("hello there")

    @Test func spacedUsageInAnAnswerIsReported() async throws {
        let body = """
            {"id": "c1", "object": "chat.completion", "model": "gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}], "usage": {"prompt_tokens": 20, "completion_tokens": 44, "total_tokens": 64}}
            """
        try await Self.run(Self.always(Self.answer(body))) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            #expect(response.status == 200 && response.body == body)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.usageSource == .reported && entry.usage.inputUncached == 20 && entry.usage.output == 44)
            #expect(entry.servedModel == "gpt-4o-mini-2024-07-18")
        }
    }

    @Test func spacedUsageInAStreamIsReportedAndItsChunkStaysHidden() async throws {
        let pieces = [
            "data: {\"model\": \"gpt-4o-mini\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"Hel\"}}]}\n\n",
            "data: {\"model\": \"gpt-4o-mini\", \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"lo\"}, \"finish_reason\": \"stop\"}]}\n\n",
            "data: {\"model\": \"gpt-4o-mini\", \"choices\": [], \"usage\": {\"prompt_tokens\": 20, \"completion_tokens\": 44}}\n\ndata: [DONE]\n\n",
        ]
        try await Self.run(Self.always(Self.stream(pieces))) { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: SimulatorBodies.chat("hi", extra: ",\"stream\":true,\"stream_options\":null"))
            #expect(response.status == 200)
            #expect(!response.body.contains("usage") && response.body.hasSuffix("data: [DONE]\n\n"))
            // The caller's `stream_options: null` was replaced, not joined by a second key.
            #expect(h.lastUpstreamBody.components(separatedBy: "stream_options").count == 2)
            #expect(h.lastUpstreamBody.contains("\"stream_options\":{\"include_usage\":true}"))
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.usageSource == .reported && entry.usage.inputUncached == 20 && entry.usage.output == 44 && entry.status == .ok)
        }
    }

    @Test func anAnthropicStreamWithMalformedFinalUsageIsEstimated() async throws {
        let pieces = [
            "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\"model\": \"claude-sonnet-4-5\", \"usage\": {\"input_tokens\": 30, \"output_tokens\": 1}}}\n\n",
            "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", \"text\": \"\(String(repeating: "abcd", count: 20))\"}}\n\n",
            "event: message_delta\ndata: {\"type\": \"message_delta\", \"usage\": {\"output_tokens\": \"many\"}}\n\n",
            "event: message_stop\ndata: {\"type\": \"message_stop\"}\n\n",
        ]
        try await Self.run(Self.always(Self.stream(pieces))) { h in
            let response = try await h.gateway.send(
                .post, "/v1/messages", json: SimulatorBodies.messages("hi", extra: ",\"stream\":true"), headers: [("anthropic-version", "2023-06-01")]
            )
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.usageSource == .estimated && entry.usage.inputUncached == 30 && entry.usage.output == 20)
        }
    }

    @Test func aStreamCutMidEventEndsWithAWellFramedErrorEvent() async throws {
        let pieces = [
            "data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"city\\\": \\\"Paris and more\"}}]}}]}\n\n",
            "data: {\"model\": \"x",
        ]
        try await Self.run(Self.always(Self.stream(pieces, cut: true))) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi", extra: ",\"stream\":true"))
            let events = response.events
            #expect(events.count == 2, "\(response.body)")
            #expect(!response.body.contains("\"model\": \"x"))
            let error = try SimulatorTestResponse.data(of: try #require(events.last))
            #expect((error["error"] as? [String: Any])?["code"] as? String == "stream_interrupted")
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            // The tool call's argument text (22 bytes) counts: output is estimated, never 0.
            #expect(entry.usageSource == .estimated && entry.usage.output == 6 && entry.status == .cancelled)
        }
    }

    @Test func anAnswerThatIsNotJSONIsEstimatedNotFree() async throws {
        try await Self.run(Self.always(Self.answer("{\"choices\": [{\"message\": {\"content\": \"truncated", type: "application/json"))) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.usageSource == .estimated && entry.usage.output > 0 && entry.usage.inputUncached > 0)
            #expect(entry.errorMessage?.contains("not valid JSON") == true)
        }
    }

    @Test func anAliasForwardsEveryOtherByteAsSent() async throws {
        let body = #"""
            {"response_format": {"type": "json_schema", "json_schema": {"name": "r", "strict": true, "schema": {"type": "object",
              "properties": {"reasoning": {"type": "string"}, "answer": {"type": "string"}}, "required": ["reasoning", "answer"]}}},
             "messages": [{"role": "user", "content": "caf\u00e9"}],   "model":"fast", "z": 1, "a": 2}
            """#
        try await Self.run(Self.always(Self.answer(#"{"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#))) {
            h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            #expect(h.lastUpstreamBody == body.replacingOccurrences(of: #""model":"fast""#, with: #""model":"gpt-4o-mini""#))
        }
    }

    /// Output at $10 per million tokens (10,000 nano-USD a token), input free: a strict budget of
    /// $0.00007 holds exactly one call with `max_tokens: 7`.
    static let sevenTokenBudget = """
        pricing:
          prices:
            - {model: gpt-4o-mini, input: "0", output: "10"}
        governance:
          budgets:
            - {name: tight, scope: {team: t}, period: month, limit_usd: "0.00007", mode: strict}
        """

    static func denseStream(usage: Bool) -> [ScriptedUpstream.Step] {
        // Six 5-byte deltas: 30 bytes estimate 8 tokens, denser text than the estimator assumes.
        var pieces = (0..<6).map { _ in "data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo\"[...]}}]}\n\n" }
        pieces = pieces.map { $0.replacingOccurrences(of: "[...]", with: "") }
        if usage {
            pieces.append(
                "data: {\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7}}\n\ndata: [DONE]\n\n")
        }
        return stream(pieces, cut: !usage)
    }

    @Test(arguments: [true, false])
    func aStrictBudgetHonoursAnAdmittedStreamToItsEnd(providerReportsUsage: Bool) async throws {
        try await Self.run(extra: Self.sevenTokenBudget, Self.always(Self.denseStream(usage: providerReportsUsage))) { h in
            let body = SimulatorBodies.chat("hi", extra: ",\"stream\":true,\"max_tokens\":7")
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(response.status == 200)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.governance?.contains("stream cut") != true)
            #expect(entry.usage.output == 7 && entry.costNanoUSD == 70_000)
            #expect(entry.usageSource == (providerReportsUsage ? .reported : .estimated))
            if providerReportsUsage { #expect(entry.status == .ok && response.body.hasSuffix("data: [DONE]\n\n")) }
            let next = try await h.gateway.send(.post, "/v1/chat/completions", json: body)
            #expect(next.status == 429)
        }
    }
}
