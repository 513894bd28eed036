import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Context budgets through the real gateway and simulator: what the provider receives, what the entry
/// records, and what happens to a call no strategy can bring under its budget.
@Suite struct ContextBudgetTests {
    static let levers = """
        levers:
          context:
            - {name: agent, match: {workflow: support-copilot}, max_input_tokens: 300, max_tool_result_tokens: 40, strategies: [compact_json, truncate_tool_results]}
            - {name: strict, match: {workflow: contract-extraction}, max_input_tokens: 50, strategies: [compact_json], on_over_budget: refuse}
        """

    /// A chat whose tool result is a long, pretty-printed JSON document.
    static func agentChat(rows: Int = 60) -> String {
        let rowsJSON = (0..<rows).map { #"{\n      \"order\": \#($0),\n      \"status\": \"shipped\",\n      \"note\": \"left at the door\"\n    }"# }
        let result = #"{\n  \"orders\": [\n    "# + rowsJSON.joined(separator: #",\n    "#) + #"\n  ]\n}"#
        return #"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You track parcels."},"#
            + #"{"role":"user","content":"Where are my orders?"},"#
            + #"{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"orders","arguments":"{}"}}]},"#
            + #"{"role":"tool","tool_call_id":"c1","content":"\#(result)"},"#
            + #"{"role":"user","content":"Summarise them [[sim:tokens=5]]"}]}"#
    }

    @Test func anOverBudgetCallIsCompactedBeforeItIsSentAndTheSavingIsOnTheEntry() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let body = Self.agentChat()
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-sim-record-body", "1")])
            #expect(response.status == 200)
            let sent = try #require(try await h.simulator.recordedRequests().first?["body"] as? String)
            #expect(sent.utf8.count < body.utf8.count / 2)
            #expect(sent.contains("truncated by Tollgate") && sent.contains(#"{"role":"system","content":"You track parcels."}"#))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any])
            #expect((parsed["messages"] as? [Any])?.count == 5)

            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.lever == "context" && entry.savedEstimated == true)
            let note = try #require(entry.leverRule)
            // "context budget agent: B → A input tokens (compact_json, truncate_tool_results)"
            let numbers = note.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
            let (before, after) = (numbers[0], numbers[1])
            #expect(before > 300 && after <= 300 && note.hasSuffix("(compact_json, truncate_tool_results)"))
            // gpt-4o-mini's uncached input: $0.15 per million tokens.
            #expect(entry.savedNanoUSD == (before - after) * 150)
            #expect(entry.counterfactualNanoUSD == (entry.costNanoUSD ?? 0) + (before - after) * 150)
        }
    }

    @Test func aCallWithinItsBudgetIsSentAsItCame() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let body = Self.agentChat(rows: 1)
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: body, headers: [("x-sim-record-body", "1")])
            #expect(response.status == 200)
            #expect(try await h.simulator.recordedRequests().first?["body"] as? String == body)
            #expect(try await h.entry(response.headers["x-tollgate-request-id"]).lever == nil)
        }
    }

    @Test func aCallNoStrategyCanFitIsRefusedWhenTheRuleSaysSo() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers) { h in
            let long = String(repeating: "Clause text. ", count: 100)
            let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"\#(long)"}]}"#
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: body, authorization: "Bearer sk-locked-key")
            #expect(refused.status == 400)
            let error = try #require(try refused.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "context_over_budget")
            #expect(try await h.simulator.recordedRequests().isEmpty)
            let entry = try await h.entry(refused.headers["x-tollgate-request-id"])
            #expect(entry.status == .blocked && entry.httpStatus == 400 && entry.governance == "blocked by context:strict")
        }
    }
}
