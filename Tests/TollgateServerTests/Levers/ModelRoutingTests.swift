import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Routing rules and tiers through the real gateway and simulator: which model serves each call, what
/// the ledger says about it, and what it saved against the model asked for.
@Suite struct ModelRoutingTests {
    static let models = """
          - {name: gpt-3.5-turbo, provider: openai-sim}
        """

    static let levers = """
        levers:
          routing:
            tiers:
              economy: [gpt-3.5-turbo, gpt-4o]
            rules:
              - {name: tagged-cheap, match: {tags: {lane: cheap}}, to: gpt-4o-mini}
              - {name: short-copilot, match: {workflow: support-copilot, model: gpt-4o}, max_input_tokens: 200, to: gpt-4o-mini}
              - {name: research, match: {team: research}, to: gpt-4o-mini}
              - {name: economy, match: {workflow: contract-extraction}, tier: economy}
        """

    static func chat(_ content: String, model: String = "gpt-4o", extra: String = "") -> String {
        #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}]\#(extra)}"#
    }

    /// What gpt-4o would have cost with the entry's usage (the catalog's $2.50 and $10 per million input
    /// and output tokens), less the entry's cost: an independent recomputation of the saving.
    static func savingAgainstGPT4o(_ entry: LedgerEntry) -> Int64 {
        entry.usage.inputUncached * 2_500 + (entry.usage.output + entry.usage.reasoning) * 10_000 - (entry.costNanoUSD ?? 0)
    }

    @Test func aRuleSendsTheCallsItMatchesToItsModelAndTheEntryRecordsTheSaving() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers, extraModels: Self.models) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Where is my parcel? [[sim:tokens=12]]"))
            #expect(response.status == 200)
            #expect(response.headers["x-tollgate-routed-from"] == "gpt-4o" && response.headers["x-tollgate-model"] == "gpt-4o-mini")
            let forwarded = try await h.simulator.recordedRequests()
            #expect(forwarded.map { $0["model"] as? String } == ["gpt-4o-mini"])

            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.lever == "routing" && entry.routedFrom == "gpt-4o" && entry.requestedModel == "gpt-4o-mini")
            #expect(entry.leverRule?.hasPrefix("short-copilot: to gpt-4o-mini") == true)
            #expect(entry.leversVersion != nil && entry.savedEstimated == true)
            let saved = try #require(entry.savedNanoUSD)
            #expect(saved > 0 && saved == Self.savingAgainstGPT4o(entry))
            #expect(entry.counterfactualNanoUSD == (entry.costNanoUSD ?? 0) + saved)
            #expect(response.headers["x-tollgate-saved-usd"] == Money.format(nanoUSD: saved))
        }
    }

    @Test func aCallOutsideTheRuleGoesToTheModelItAskedFor() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers, extraModels: Self.models) { h in
            // Too long for `short-copilot` (max_input_tokens: 200), and asking for another model than it matches.
            let long = String(repeating: "order status ", count: 120)
            let calls = [Self.chat(long + "[[sim:tokens=3]]"), Self.chat("Hello [[sim:tokens=3]]", model: "claude-sonnet-4-5")]
            for (i, body) in calls.enumerated() {
                let path = i == 0 ? "/v1/chat/completions" : "/v1/messages"
                let json =
                    i == 0 ? body : #"{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"Hi [[sim:tokens=3]]"}]}"#
                let response = try await h.gateway.send(.post, path, json: json, headers: [("anthropic-version", "2023-06-01")])
                #expect(response.status == 200 && response.headers["x-tollgate-routed-from"] == nil)
                let entry = try await h.entry(response.headers["x-tollgate-request-id"])
                #expect(entry.lever == nil && entry.routedFrom == nil && entry.savedNanoUSD == nil)
            }
        }
    }

    @Test func rulesMatchTagsAndRespectTheKeysAllowlist() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers, extraModels: Self.models) { h in
            let long = String(repeating: "order status ", count: 120) + "[[sim:tokens=3]]"
            let tagged = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(long), headers: [("x-tollgate-tags", "lane=cheap")])
            #expect(tagged.headers["x-tollgate-model"] == "gpt-4o-mini")
            #expect(try await h.entry(tagged.headers["x-tollgate-request-id"]).leverRule?.hasPrefix("tagged-cheap") == true)
            // The research key may call gpt-4o only: its rule's target is not a model it may use, so it stays.
            let research = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat("Hi [[sim:tokens=3]]"), authorization: "Bearer sk-gpt4o-only-key")
            #expect(research.status == 200 && research.headers["x-tollgate-routed-from"] == nil)
            #expect(try await h.simulator.recordedRequests().compactMap { $0["model"] as? String } == ["gpt-4o-mini", "gpt-4o"])
        }
    }

    @Test func aTierPicksItsCheapestModelThatFitsTheCall() async throws {
        try await GatewayHarness.run(extraConfiguration: Self.levers, extraModels: Self.models) { h in
            let key = "Bearer sk-locked-key"  // workflow contract-extraction
            // Plain text: gpt-3.5-turbo is the tier's cheapest.
            let plain = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Extract [[sim:tokens=3]]"), authorization: key)
            #expect(plain.headers["x-tollgate-model"] == "gpt-3.5-turbo")
            // An image: the catalog does not say gpt-3.5-turbo reads images, so gpt-4o serves it.
            let image =
                #"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"Read this [[sim:tokens=3]]"},"#
                + #"{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}"#
            let vision = try await h.gateway.send(.post, "/v1/chat/completions", json: image, authorization: key)
            #expect(vision.status == 200 && vision.headers["x-tollgate-routed-from"] == nil)
            // More output than gpt-3.5-turbo's 4,096-token cap: gpt-4o again.
            let long = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat("Extract all [[sim:tokens=3]]", extra: #","max_tokens":8000"#), authorization: key)
            #expect(long.status == 200 && long.headers["x-tollgate-routed-from"] == nil)
            let plainEntry = try await h.entry(plain.headers["x-tollgate-request-id"])
            #expect(plainEntry.leverRule == "economy: tier economy: cheapest of 2 that fit")
            #expect(try await h.simulator.recordedRequests().compactMap { $0["model"] as? String } == ["gpt-3.5-turbo", "gpt-4o", "gpt-4o"])
        }
    }

    @Test func aBudgetReservesForTheRoutedModel() async throws {
        // A hard budget on gpt-4o itself: a call asking for gpt-4o that a rule routes to gpt-4o-mini is not
        // held against it, so it is admitted even though the budget cannot fit one gpt-4o call.
        let governance = """
            governance:
              budgets:
                - {name: no-4o, scope: {model: gpt-4o}, period: month, limit_usd: "0.000001", mode: strict}
            """
        try await GatewayHarness.run(extraConfiguration: Self.levers + "\n" + governance, extraModels: Self.models) { h in
            let routed = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Short [[sim:tokens=3]]"))
            #expect(routed.status == 200 && routed.headers["x-tollgate-model"] == "gpt-4o-mini")
            let long = String(repeating: "order status ", count: 120) + "[[sim:tokens=3]]"
            let direct = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(long))
            #expect(direct.status == 429 || direct.status == 402)
        }
    }

    @Test func theRulesReloadWithTheConfiguration() async throws {
        let admin = "admin: {key: sk-routing-admin}\n"
        try await GatewayHarness.run(extraConfiguration: admin + Self.levers, extraModels: Self.models) { h in
            let first = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Hi [[sim:tokens=3]]"))
            #expect(first.headers["x-tollgate-model"] == "gpt-4o-mini")
            let version = try await h.entry(first.headers["x-tollgate-request-id"]).leversVersion
            let text = try String(contentsOfFile: h.configurationPath, encoding: .utf8)
            try text.replacingOccurrences(of: "to: gpt-4o-mini}", with: "to: gpt-3.5-turbo}").write(
                toFile: h.configurationPath, atomically: true, encoding: .utf8)
            let reload = try await h.gateway.send(.post, "/admin/v1/reload", authorization: "Bearer sk-routing-admin")
            #expect(reload.status == 200)
            let second = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat("Hi again [[sim:tokens=3]]"))
            #expect(second.headers["x-tollgate-model"] == "gpt-3.5-turbo")
            #expect(try await h.entry(second.headers["x-tollgate-request-id"]).leversVersion != version)
        }
    }
}
