import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

/// Budgets over real sockets: reservations under concurrency, stream cuts, downgrades, restarts.
@Suite struct BudgetTests {
    static func chat(_ i: Int, tokens: Int = 10, maxTokens: Int = 10, stream: Bool = false) -> String {
        #"{"model":"gpt-4o","max_tokens":\#(maxTokens),"stream":\#(stream),"messages":[{"role":"user","content":"Budget call \#(i) [[sim:tokens=\#(tokens)]]"}]}"#
    }

    /// The settled spend of ok and cancelled entries, nano-USD.
    static func spend(_ entries: [LedgerEntry]) -> Int64 {
        entries.reduce(0) { $0 + ($1.costNanoUSD ?? 0) }
    }

    @Test func strictBudgetNeverOvershootsUnderTwoHundredSimultaneousCalls() async throws {
        // A call costs about 280,000 nano-USD; the limit fits about 50 of them.
        let limit: Int64 = 14_000_000
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: support-month, scope: {team: support}, period: month, limit_usd: "0.014", mode: strict}
                """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let results = try await Burst.send(port: h.gateway.port, count: 200, body: { Self.chat($0) })
            let ok = results.filter { $0.status == 200 }
            let refused = results.filter { $0.status == 429 }
            #expect(ok.count + refused.count == 200)
            #expect(ok.count >= 5)
            #expect(refused.count > 0)
            for result in refused {
                #expect(result.errorCode == "budget_exceeded")
                #expect(result.body.contains("support-month") && result.body.contains("limit $0.014"))
                #expect(result.headers["x-tollgate-budget"] == "support-month")
            }
            // Keep calling one at a time until the budget refuses: strict mode still never overshoots.
            var sequential = 0
            while sequential < 100 {
                let r = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(1_000 + sequential))
                if r.status != 200 { break }
                sequential += 1
            }
            let entries = try await h.settledEntries(count: 200 + sequential + 1)
            let served = entries.filter { $0.status == .ok }
            #expect(served.count == ok.count + sequential)
            #expect(entries.filter { $0.status == .blocked }.count == refused.count + 1)
            let settled = Self.spend(entries)
            #expect(settled <= limit)
            #expect(settled > limit / 2)
            // The governor's counter and the ledger agree to the nano: nothing double-counted.
            let status = try #require(h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000)).first)
            #expect(status.spentNanoUSD == settled)
            #expect(status.reservedNanoUSD == 0)
            #expect(status.overshootNanoUSD == 0)
        }
    }

    @Test func estimateBudgetAdmitsMoreAndReportsItsOvershootTruthfully() async throws {
        let limit: Int64 = 14_000_000
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: support-month, scope: {team: support}, period: month, limit_usd: "0.014", mode: estimate}
                """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let results = try await Burst.send(port: h.gateway.port, count: 200, body: { Self.chat($0) })
            let ok = results.filter { $0.status == 200 }.count
            let others = results.filter { $0.status != 200 && $0.status != 429 }
            #expect(others.isEmpty, "\(others.prefix(3).map { "\($0.status) \($0.body)" })")
            #expect(results.filter { $0.status == 429 }.count == 200 - ok)
            #expect(ok > 20)
            let entries = try await h.settledEntries(count: 200)
            let settled = Self.spend(entries)
            let status = try #require(h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000)).first)
            #expect(status.spentNanoUSD == settled)
            #expect(status.overshootNanoUSD == max(0, settled - limit))
            print("estimate mode: \(ok) of 200 admitted, settled \(settled) nano-USD against \(limit), overshoot \(status.overshootNanoUSD)")
        }
    }

    @Test func streamThatWouldCrossTheLimitIsEndedCleanlyAndRecorded() async throws {
        // The estimate (256 output tokens) fits; the full 400-token answer does not.
        let limit: Int64 = 7_000_000
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: stream-cap, scope: {workflow: support-copilot}, period: day, limit_usd: "0.007", mode: estimate}
                """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(1, tokens: 400, maxTokens: 1_000, stream: true))
            #expect(response.status == 200)
            let last = try #require(response.events.last)
            #expect(last.contains("budget_exceeded") && last.contains("stream-cap"))
            #expect(!response.events.contains("data: [DONE]"))
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .cancelled)
            #expect(entry.usageSource == .estimated)
            #expect(entry.governance?.contains("stream cut by budget:stream-cap") == true)
            #expect(entry.usage.output < 400)
            // Bounded by one upstream chunk: a few tokens at most.
            #expect(try #require(entry.costNanoUSD) <= limit + 20 * 20_000)
        }
    }

    @Test func concurrentStreamsAreCutAtTheLimitAndNothingIsDoubleCounted() async throws {
        // Twenty simultaneous 400-token streams; the budget covers about three of them in full.
        let limit: Int64 = 25_000_000
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: stream-pool, scope: {team: support}, period: day, limit_usd: "0.025", mode: estimate}
                """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let results = try await Burst.send(
                port: h.gateway.port, count: 20, body: { Self.chat($0, tokens: 400, maxTokens: 1_000, stream: true) })
            var completed = 0
            var cut = 0
            for result in results where result.status == 200 {
                if result.body.contains("data: [DONE]") {
                    completed += 1
                } else {
                    #expect(result.body.contains("budget_exceeded"), "a stream neither completed nor said why it ended")
                    cut += 1
                }
            }
            let refused = results.filter { $0.status == 429 }.count
            #expect(completed + cut + refused == 20)
            #expect(cut + refused > 0)
            let entries = try await h.settledEntries(count: 20)
            let settled = Self.spend(entries)
            let status = try #require(h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000)).first)
            #expect(status.spentNanoUSD == settled)
            #expect(status.reservedNanoUSD == 0)
            // Each stream that was running when the limit was reached may add one upstream chunk (a few tokens).
            #expect(settled <= limit + Int64(cut) * 20 * 20_000)
            print("streams: \(completed) completed, \(cut) cut, \(refused) refused; settled \(settled) of \(limit)")
        }
    }

    @Test func downgradeServesTheCheaperModelAndRecordsIt() async throws {
        let config = """
            governance:
              budgets:
                - {name: gpt4o-cap, scope: {model: gpt-4o}, period: day, limit_usd: "0.000000001", action: downgrade, downgrade_to: gpt-4o-mini}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let response = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(1))
            #expect(response.status == 200)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.routedFrom == "gpt-4o")
            #expect(entry.requestedModel == "gpt-4o-mini")
            #expect(entry.servedModel.hasPrefix("gpt-4o-mini"))
            #expect(entry.governance?.contains("downgraded from gpt-4o to gpt-4o-mini by budget:gpt4o-cap") == true)
        }
    }

    @Test func aDowngradeNeverServesAModelOutsideTheKeysAllowlist() async throws {
        let config = """
            governance:
              budgets:
                - {name: gpt4o-cap, scope: {model: gpt-4o}, period: day, limit_usd: "0.000000001", action: downgrade, downgrade_to: gpt-4o-mini}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let response = try await h.gateway.send(
                .post, "/v1/chat/completions", json: Self.chat(1), authorization: "Bearer sk-gpt4o-only-key")
            #expect(response.status == 429)
            #expect(response.body.contains("gpt-4o-mini"))
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .blocked)
            #expect(entry.requestedModel == "gpt-4o")
            #expect(entry.governance == "blocked by budget:gpt4o-cap")
            #expect(try await h.simulator.recordedRequests(requestID: entry.id).isEmpty)
        }
    }

    @Test func tagBudgetsCountOnlyTheirTagValueAndSurviveARestart() async throws {
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: search-feature, scope: {tags: {feature: search}}, period: month, limit_usd: "0.003"}
                    - {name: per-experiment, scope: {tags: {experiment: "*"}}, period: month, limit_usd: "100"}
                """
        let ledger = try GatewayHarness.freshLedgerPath()
        let tagged = [("x-tollgate-tags", "feature=search, experiment=b")]
        let spent = try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            let first = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(1), headers: tagged)
            #expect(first.status == 200)
            let entry = try await h.entry(first.headers["x-tollgate-request-id"])
            #expect(entry.attribution.tags == ["feature": "search", "experiment": "b"])
            // Untagged calls and other features are not under the search budget.
            #expect(
                try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(2), headers: [("x-tollgate-tags", "feature=chat")]).status
                    == 200)
            var refused = false
            for i in 0..<10 where !refused {
                refused = try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(3 + i), headers: tagged).status == 429
            }
            #expect(refused)
            let status = h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
            #expect(status.first { $0.budget == "per-experiment" }?.scopeKey == "b" || status.contains { $0.scopeKey == "b" })
            return status.first { $0.budget == "search-feature" }?.spentNanoUSD ?? -1
        }
        #expect(spent > 0)
        try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            let status = h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
            #expect(status.first { $0.budget == "search-feature" }?.spentNanoUSD == spent)
            #expect(status.contains { $0.budget == "per-experiment" && $0.scopeKey == "b" && $0.spentNanoUSD == spent })
        }
    }

    @Test func anthropicCallersGetTheRefusalInTheirDialect() async throws {
        let config = """
            governance:
              budgets:
                - {name: tiny, period: lifetime, limit_usd: "0.000000001"}
            """
        try await GatewayHarness.run(extraConfiguration: config) { h in
            let response = try await h.gateway.send(
                .post, "/v1/messages", json: SimulatorBodies.messages("hello"), headers: [("anthropic-version", "2023-06-01")])
            #expect(response.status == 429)
            let object = try response.object()
            #expect(object["type"] as? String == "error")
            let error = try #require(object["error"] as? [String: Any])
            #expect(error["type"] as? String == "rate_limit_error")
            #expect((error["message"] as? String)?.contains("Budget 'tiny'") == true)
            let entry = try await h.entry(response.headers["x-tollgate-request-id"])
            #expect(entry.status == .blocked && entry.costNanoUSD == 0 && entry.governance == "blocked by budget:tiny")
        }
    }

    @Test func budgetsSurviveARestartAndReservationsAreReleased() async throws {
        let config =
            roundPrices + """

                governance:
                  budgets:
                    - {name: support-month, scope: {team: support}, period: month, limit_usd: "100"}
                """
        let ledger = try GatewayHarness.freshLedgerPath()
        let spentBefore = try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            for i in 0..<5 { #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(i)).status == 200) }
            return Self.spend(try await h.settledEntries(count: 5))
        }
        #expect(spentBefore > 0)
        try await GatewayHarness.run(extraConfiguration: config, ledgerPath: ledger) { h in
            let status = try #require(h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000)).first)
            #expect(status.spentNanoUSD == spentBefore)
            #expect(status.reservedNanoUSD == 0)
            #expect(try await h.gateway.send(.post, "/v1/chat/completions", json: Self.chat(9)).status == 200)
            let after = Self.spend(try await h.settledEntries(count: 6))
            #expect(h.governor.budgetStatus(nowMs: Int64(Date().timeIntervalSince1970 * 1_000)).first?.spentNanoUSD == after)
        }
    }
}
