import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Policies, kill switches and the workflow registry over real sockets.
@Suite struct PolicyTests {
    static func chat(model: String = "gpt-4o-mini", maxTokens: Int? = nil, content: String = "Policy check [[sim:tokens=50]]") -> String {
        let cap = maxTokens.map { ",\"max_tokens\":\($0)" } ?? ""
        return #"{"model":"\#(model)"\#(cap),"messages":[{"role":"user","content":"\#(content)"}]}"#
    }

    static let prodPolicy = """
        governance:
          policies:
            - name: prod-models
              match: {environment: prod}
              allow_models: [gpt-4o-mini, claude-sonnet-4-5]
              default_max_tokens: 7
              max_output_tokens: 9
              max_input_tokens: 200
        """

    @Test func allowlistRefusesOtherModelsWithTheCallersDialect() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.prodPolicy) { h in
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(model: "gpt-4o"))
            #expect(refused.status == 403)
            let error = try #require(try refused.object()["error"] as? [String: Any])
            #expect(error["code"] as? String == "model_not_allowed")
            #expect((error["message"] as? String)?.contains("prod-models") == true)
            #expect(refused.headers["x-should-retry"] == "false")
            // The legal key is not in prod: the policy does not apply to it.
            let legal = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(model: "gpt-4o"), authorization: "Bearer sk-locked-key")
            #expect(legal.status == 200)
        }
    }

    @Test func defaultMaxTokensIsInjectedAndLargerValuesAreClamped() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.prodPolicy) { h in
            let injected = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(), headers: [("x-sim-record-body", "1")])
            #expect(injected.status == 200)
            let usage = try #require(try injected.object()["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 7)
            let id = try #require(injected.headers["x-tollgate-request-id"])
            let sent = try #require(try await h.simulator.recordedRequests(requestID: id).first?["body"] as? String)
            #expect(sent.contains("\"max_completion_tokens\":7"))
            let entry = try await h.entry(id)
            #expect(entry.governance == "max_tokens=7 added")

            let clamped = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(maxTokens: 100))
            #expect((try clamped.object()["usage"] as? [String: Any])?["completion_tokens"] as? Int == 9)
            let clampedEntry = try await h.entry(clamped.headers["x-tollgate-request-id"])
            #expect(clampedEntry.governance == "max_tokens clamped from 100 to 9")

            let within = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(maxTokens: 3))
            #expect((try within.object()["usage"] as? [String: Any])?["completion_tokens"] as? Int == 3)
            #expect(try await h.entry(within.headers["x-tollgate-request-id"]).governance == nil)
        }
    }

    @Test func inputCeilingRefusesLongPrompts() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.prodPolicy) { h in
            let long = String(repeating: "lorem ipsum ", count: 200)
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(content: long))
            #expect(refused.status == 400)
            #expect(try refused.object()["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "input_too_large")
        }
    }

    @Test func killSwitchInTheFileStopsOneWorkflowAndSaysWhoAndWhy() async throws {
        let config = """
            governance:
              kill_switches:
                - {workflow: contract-extraction, by: alice@acme.test, reason: runaway extraction loop}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let stopped = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(), authorization: "Bearer sk-locked-key")
            #expect(stopped.status == 503)
            let message = try #require((try stopped.object()["error"] as? [String: Any])?["message"] as? String)
            #expect(
                message.contains("workflow 'contract-extraction'") && message.contains("alice@acme.test")
                    && message.contains("runaway extraction loop"))
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat()).status == 200)
        }
    }

    @Test func killSwitchTurnsOnAndOffWithoutARestart() async throws {
        try await GatewayHarness.run { h in
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat()).status == 200)
            h.governor.setKillSwitch(KillSwitch(target: .init(kind: .model, name: "gpt-4o-mini"), by: "ops", reason: "provider incident"))
            let stopped = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat())
            #expect(stopped.status == 503 && stopped.body.contains("provider incident"))
            h.governor.clearKillSwitch(.init(kind: .model, name: "gpt-4o-mini"))
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat()).status == 200)
        }
    }

    @Test func onlyRegisteredWorkflowsRunWhereRequired() async throws {
        let config = """
            governance:
              policies:
                - {name: legal-registry, match: {team: legal}, require_registered_workflow: true}
              workflows:
                - {name: support-copilot, owner: support-lead, team: support}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(), authorization: "Bearer sk-locked-key")
            #expect(refused.status == 403)
            #expect(refused.body.contains("workflow_not_registered") && refused.body.contains("contract-extraction"))
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat()).status == 200)
        }
    }

    @Test func unpricedModelsCanBeForbidden() async throws {
        let config = """
            governance:
              policies:
                - {name: priced-only, allow_unpriced: false}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(model: "mystery-model"))
            #expect(refused.status == 403 && refused.body.contains("unpriced_model"))
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat()).status == 200)
        }
    }

    @Test func personalDataIsRedactedBeforeItLeaves() async throws {
        let config = """
            governance:
              policies:
                - name: support-pii
                  match: {team: support}
                  redact:
                    kinds: [email, card, iban, ssn, phone]
                    patterns: [{name: employee_id, regex: "EMP-[0-9]{6}"}]
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let content =
                "Customer jane.doe@example.com paid with 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, agent EMP-123456. Order 4111111111111112 [[sim:tokens=5]]"
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(content: content), headers: [("x-sim-record-body", "1")])
            #expect(response.status == 200)
            let id = try #require(response.headers["x-tollgate-request-id"])
            let sent = try #require(try await h.simulator.recordedRequests(requestID: id).first?["body"] as? String)
            #expect(!sent.contains("jane.doe@example.com") && sent.contains("[REDACTED_EMAIL]"))
            #expect(!sent.contains("4111 1111 1111 1111") && sent.contains("[REDACTED_CARD]"))
            #expect(sent.contains("[REDACTED_IBAN]") && sent.contains("[REDACTED_SSN]") && sent.contains("[REDACTED_EMPLOYEE_ID]"))
            // A number that fails the Luhn check is not a card.
            #expect(sent.contains("4111111111111112"))
            #expect(try JSONSerialization.jsonObject(with: Data(sent.utf8)) is [String: Any])
            let entry = try await h.entry(id)
            #expect(entry.redactions == 5)
            #expect(entry.governance?.contains("redacted") == true && entry.governance?.contains("email×1") == true)
            // The legal team has no redaction policy: its prompt goes as sent.
            let legal = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(content: content), headers: [("x-sim-record-body", "1")],
                authorization: "Bearer sk-locked-key")
            let legalID = try #require(legal.headers["x-tollgate-request-id"])
            let legalSent = try #require(try await h.simulator.recordedRequests(requestID: legalID).first?["body"] as? String)
            #expect(legalSent.contains("jane.doe@example.com"))
        }
    }
}
