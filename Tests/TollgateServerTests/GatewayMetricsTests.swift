import Testing
import TollgateCore

@testable import TollgateServer

/// The `/metrics` series: tokens by type, cost, latency and TTFT histograms, cache and routing
/// counters, and the bound on free-form labels.
@Suite struct GatewayMetricsTests {
    static func entry(
        team: String? = "support", workflow: String? = "support-copilot",
        usage: TokenUsage = TokenUsage(inputUncached: 100, cacheRead: 40, cacheWrite5m: 10, output: 30, reasoning: 5),
        cost: Int64? = 1_234, pricing: LedgerEntry.PricingStatus = .priced, served: String = "gpt-4o-mini-2024-07-18", ttftMs: Int64? = 300
    ) -> LedgerEntry {
        LedgerEntry(
            id: "r", timestampMs: 0, durationMs: 1_500, ttftMs: ttftMs, route: "chat.completions", provider: "openai-sim",
            requestedModel: "gpt-4o-mini", servedModel: served, stream: true, status: .ok, httpStatus: 200, usage: usage,
            pricing: pricing, costNanoUSD: cost,
            attribution: Attribution(keyID: "k", team: team, workflow: workflow, customer: "acme-customer", user: "alice@example.com"))
    }

    static func render(_ metrics: GatewayMetrics) -> String {
        String(decoding: metrics.exposition(), as: UTF8.self)
    }

    static func value(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func tokensByTypeCostLatencyAndTTFT() {
        let metrics = GatewayMetrics()
        metrics.record(Self.entry(), model: "gpt-4o-mini")
        metrics.record(Self.entry(), model: "gpt-4o-mini")
        let text = Self.render(metrics)
        let owner = #"provider="openai-sim",model="gpt-4o-mini",team="support",workflow="support-copilot""#
        #expect(Self.value(text, "tollgate_tokens_total{\(owner),type=\"input\"}") == 200)
        #expect(Self.value(text, "tollgate_tokens_total{\(owner),type=\"cache_read\"}") == 80)
        #expect(Self.value(text, "tollgate_tokens_total{\(owner),type=\"cache_write\"}") == 20)
        #expect(Self.value(text, "tollgate_tokens_total{\(owner),type=\"output\"}") == 60)
        #expect(Self.value(text, "tollgate_tokens_total{\(owner),type=\"reasoning\"}") == 10)
        #expect(Self.value(text, "tollgate_cost_nano_usd_total{\(owner)}") == 2_468)
        #expect(
            Self.value(
                text, #"tollgate_request_duration_seconds_bucket{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",le="1.0"}"#) == 0)
        #expect(
            Self.value(
                text, #"tollgate_request_duration_seconds_bucket{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",le="2.0"}"#) == 2)
        #expect(
            Self.value(
                text, #"tollgate_request_duration_seconds_bucket{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",le="120.0"}"#)
                == 2)
        #expect(
            Self.value(
                text, #"tollgate_time_to_first_token_seconds_bucket{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",le="0.25"}"#)
                == 0)
        #expect(
            Self.value(
                text, #"tollgate_time_to_first_token_seconds_bucket{route="chat.completions",provider="openai-sim",model="gpt-4o-mini",le="0.5"}"#)
                == 2)
        #expect(
            Self.value(text, #"tollgate_time_to_first_token_seconds_count{route="chat.completions",provider="openai-sim",model="gpt-4o-mini"}"#) == 2)
        // A dated snapshot of the requested model is not a reroute.
        #expect(Self.value(text, #"tollgate_rerouted_requests_total{provider="openai-sim",model="gpt-4o-mini"}"#) == 0)
        for secret in ["acme-customer", "alice@example.com", "customer", "user="] { #expect(!text.contains(secret)) }
    }

    @Test func unpricedEstimatedAndReroutedCounters() {
        let metrics = GatewayMetrics()
        metrics.record(Self.entry(cost: nil, pricing: .unpriced), model: "gpt-4o-mini")
        metrics.record(Self.entry(pricing: .estimated, served: "gpt-4o"), model: "gpt-4o-mini")
        var downgraded = Self.entry(served: "gpt-4o-mini")
        downgraded.routedFrom = "gpt-4o"
        metrics.record(downgraded, model: "gpt-4o-mini")
        var failed = Self.entry(served: "gpt-4o-mini-upstream")
        failed.status = .upstreamError
        metrics.record(failed, model: "gpt-4o-mini")
        let text = Self.render(metrics)
        let owner = #"provider="openai-sim",model="gpt-4o-mini",team="support",workflow="support-copilot""#
        #expect(Self.value(text, "tollgate_unpriced_requests_total{\(owner)}") == 1)
        #expect(Self.value(text, "tollgate_estimated_requests_total{\(owner)}") == 1)
        #expect(Self.value(text, "tollgate_cost_nano_usd_total{\(owner)}") == 3_702)
        // Only the budget's downgrade is a reroute: a served name that differs (an upstream model, a failure) is not.
        #expect(Self.value(text, #"tollgate_rerouted_requests_total{provider="openai-sim",model="gpt-4o-mini"}"#) == 1)
    }

    @Test func refusalsAreCountedByStatusButStayOutOfTheLatencyHistograms() {
        let metrics = GatewayMetrics()
        metrics.record(Self.entry(), model: "gpt-4o-mini")
        var refused = Self.entry(cost: 0, ttftMs: nil)
        refused.status = .blocked
        refused.durationMs = 0
        metrics.record(refused, model: "gpt-4o-mini")
        metrics.record(refused, model: "gpt-4o-mini")
        let text = Self.render(metrics)
        let route = #"route="chat.completions",provider="openai-sim",model="gpt-4o-mini""#
        let owner = #"team="support",workflow="support-copilot""#
        #expect(Self.value(text, "tollgate_requests_total{\(route),status=\"blocked\",\(owner)}") == 2)
        #expect(Self.value(text, "tollgate_requests_total{\(route),status=\"ok\",\(owner)}") == 1)
        #expect(Self.value(text, "tollgate_request_duration_seconds_count{\(route)}") == 1)
        #expect(Self.value(text, "tollgate_request_duration_seconds_bucket{\(route),le=\"0.05\"}") == 0)
    }

    @Test func teamAndWorkflowLabelsAreBounded() {
        let metrics = GatewayMetrics(limits: .init(teams: 2, workflows: 3))
        for i in 0..<10 { metrics.record(Self.entry(team: "team-\(i % 4)", workflow: "declared-\(i)"), model: "gpt-4o-mini") }
        metrics.record(Self.entry(team: nil, workflow: nil), model: "gpt-4o-mini")
        let text = Self.render(metrics)
        let teams = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("tollgate_requests_total{") }.compactMap { line in
                line.firstRange(of: "team=\"").map { String(line[$0.upperBound...].prefix { $0 != "\"" }) }
            })
        #expect(teams == ["team-0", "team-1", "other", "unattributed"])
        let workflows = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("tollgate_requests_total{") }.compactMap { line in
                line.firstRange(of: "workflow=\"").map { String(line[$0.upperBound...].prefix { $0 != "\"" }) }
            })
        #expect(workflows == ["declared-0", "declared-1", "declared-2", "other", "unattributed"])
        // Every call is still counted.
        let total = text.split(separator: "\n").filter { $0.hasPrefix("tollgate_requests_total{") }.compactMap {
            Double($0.split(separator: " ").last!)
        }
        .reduce(0, +)
        #expect(total == 11)
    }
}
