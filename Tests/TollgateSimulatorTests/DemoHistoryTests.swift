import Foundation
import Testing
import TollgateCore
import TollgateTestKit

@testable import TollgateSimulator

/// The demo's synthetic history: deterministic, seasonal, growing, with a price change and one anomaly,
/// and priced exactly as the gateway prices.
@Suite struct DemoHistoryTests {
    static let endDay = CivilDate.unixSeconds("2026-11-26")!

    /// The built-in catalog the gateway and `tollgate demo` use.
    static func catalog() throws -> PriceCatalog {
        let root = try #require(PricingTestSupport.repositoryRoot())
        let data = try Data(contentsOf: root.appendingPathComponent("Sources/TollgateCLI/Resources/default-prices.json"))
        return PriceCatalog(
            prices: try LiteLLMCatalog.parse([UInt8](data), effectiveFrom: 0).map { price in
                var price = price
                price.source = "builtin"
                return price
            }, version: "builtin")
    }

    static let history: Result<DemoHistory.History, any Error> = Result {
        DemoHistory.generate(catalog: try catalog(), configuration: .init(endDay: endDay))
    }

    @Test func theCachedWorkflowIsServedFromTheCacheInTheLastWeeks() throws {
        let history = try Self.history.get()
        let configuration = DemoHistory.Configuration(endDay: Self.endDay)
        let hits = history.entries.filter { $0.status == .cached }
        let bot = history.entries.filter { $0.attribution.workflow == "knowledge-bot" && $0.status != .blocked }
        let lastWeeks = bot.filter { Self.day($0, configuration) >= configuration.days - DemoHistory.Rules.cacheDays }
        #expect(
            hits.allSatisfy {
                $0.attribution.workflow == "knowledge-bot" && Self.day($0, configuration) >= configuration.days - DemoHistory.Rules.cacheDays
            })
        let share = Double(hits.count) / Double(lastWeeks.count)
        #expect(abs(share - DemoHistory.Rules.cacheHitShare) < 0.06, "\(share)")
        let earlier = Set(history.entries.filter { $0.status == .ok }.map(\.id))
        for hit in hits {
            #expect(hit.costNanoUSD == 0 && hit.usage == .zero && hit.lever == "cache" && hit.leversVersion == DemoHistory.Rules.levers.version)
            #expect((hit.savedNanoUSD ?? 0) > 0 && earlier.contains(hit.sourceID ?? ""))
        }
    }

    static func day(_ entry: LedgerEntry, _ configuration: DemoHistory.Configuration) -> Int {
        Int((entry.timestampMs / 1_000 - configuration.startDay) / 86_400)
    }

    @Test func sameSeedSameHistoryOtherSeedOtherHistory() throws {
        let catalog = try Self.catalog()
        let small = DemoHistory.Configuration(endDay: Self.endDay, days: 10, volume: 0.2)
        let a = DemoHistory.generate(catalog: catalog, configuration: small)
        let b = DemoHistory.generate(catalog: catalog, configuration: small)
        #expect(a.entries == b.entries)
        #expect(a.outcomes == b.outcomes)
        var other = small
        other.seed = 7
        #expect(DemoHistory.generate(catalog: catalog, configuration: other).entries != a.entries)
    }

    @Test func coversNinetyDaysForTheFiveDemoWorkflows() throws {
        let history = try Self.history.get()
        let configuration = DemoHistory.Configuration(endDay: Self.endDay)
        #expect(history.entries.count > 20_000 && history.entries.count < 80_000)
        #expect(history.entries.first!.timestampMs >= configuration.startDay * 1_000)
        #expect(history.entries.last!.timestampMs < Self.endDay * 1_000)
        #expect(Set(history.entries.map { Self.day($0, configuration) }).count == 90)
        #expect(Set(history.entries.compactMap(\.attribution.workflow)) == Set(DemoHistory.workflows.map(\.name)))
        #expect(zip(history.entries, history.entries.dropFirst()).allSatisfy { $0.timestampMs <= $1.timestampMs })
        #expect(Set(history.entries.map(\.id)).count == history.entries.count)
    }

    @Test func weekendsAreQuietAndVolumeGrows() throws {
        let history = try Self.history.get()
        let configuration = DemoHistory.Configuration(endDay: Self.endDay)
        var perDay = [Int](repeating: 0, count: 90)
        for entry in history.entries where entry.attribution.workflow == "support-copilot" { perDay[Self.day(entry, configuration)] += 1 }
        func weekday(_ day: Int) -> Int { Int(((configuration.startDay / 86_400 + Int64(day)) % 7 + 3) % 7) }
        let weekdays = (0..<90).filter { weekday($0) < 5 }.map { perDay[$0] }
        let weekends = (0..<90).filter { weekday($0) >= 5 }.map { perDay[$0] }
        let weekdayMean = Double(weekdays.reduce(0, +)) / Double(weekdays.count)
        let weekendMean = Double(weekends.reduce(0, +)) / Double(weekends.count)
        #expect(weekendMean < weekdayMean * 0.6)
        let firstWeeks = (0..<28).filter { weekday($0) < 5 }.map { perDay[$0] }.reduce(0, +)
        let lastWeeks = (62..<90).filter { weekday($0) < 5 }.map { perDay[$0] }.reduce(0, +)
        // 1.5 % a week over the nine weeks between the two windows is about +14 %; each day's volume is
        // drawn within ±10 %, so the sums are compared with room for that noise.
        #expect(Double(lastWeeks) > Double(firstWeeks) * 1.05)
    }

    @Test func oneAnomalyForOneWorkflowOnOneDay() throws {
        let history = try Self.history.get()
        let configuration = DemoHistory.Configuration(endDay: Self.endDay)
        for workflow in DemoHistory.workflows.map(\.name) {
            var perDay = [Int](repeating: 0, count: 90)
            for entry in history.entries where entry.attribution.workflow == workflow { perDay[Self.day(entry, configuration)] += 1 }
            let sorted = perDay.sorted()
            let median = sorted[45]
            let peakDay = perDay.indices.max { perDay[$0] < perDay[$1] }!
            if workflow == configuration.anomalyWorkflow {
                #expect(peakDay == configuration.anomalyDay)
                #expect(Double(perDay[peakDay]) > Double(median) * 3)
            } else {
                #expect(Double(perDay[peakDay]) < Double(median) * 2.5, "\(workflow) has no spike")
            }
        }
    }

    @Test func everyEntryPricedExactlyAsThePricerPricesIt() throws {
        let history = try Self.history.get()
        let configuration = DemoHistory.Configuration(endDay: Self.endDay)
        let pricer = LedgerPricer(catalog: DemoHistory.pricingCatalog(catalog: try Self.catalog(), versions: history.priceVersions))
        #expect(history.entries.allSatisfy { $0.costNanoUSD != nil && $0.pricing != .unpriced })
        // Refused calls reach no provider: the gateway records them with no tokens and cost zero, unpriced by design.
        for entry in history.entries where entry.status == .blocked {
            #expect(entry.usage == .zero && entry.costNanoUSD == 0 && entry.priceVersion == nil && entry.governance?.hasPrefix("blocked by ") == true)
        }
        for entry in history.entries where entry.status != .blocked {
            var repriced = entry
            pricer.price(&repriced, priceModel: entry.requestedModel)
            #expect(repriced.costNanoUSD == entry.costNanoUSD && repriced.costBreakdown == entry.costBreakdown)
            #expect(entry.costBreakdown.total == entry.costNanoUSD)
            if entry.usage.total > 0 { #expect(entry.priceVersion != nil) }
        }
        // The price change: gpt-4o entries before the change carry the older version at 3/2 of today's price.
        let (old, new) = (history.priceVersions[0], history.priceVersions[1])
        #expect(new.effectiveFrom == configuration.priceChangeAt)
        let gpt4o = history.entries.filter { $0.requestedModel == "gpt-4o" && $0.usage.total > 0 }
        #expect(gpt4o.filter { $0.timestampMs < configuration.priceChangeAt * 1_000 }.allSatisfy { $0.priceVersion == old.id })
        #expect(gpt4o.filter { $0.timestampMs >= configuration.priceChangeAt * 1_000 }.allSatisfy { $0.priceVersion == new.id })
        let oldInput = try #require(old.prices.first { $0.model == "gpt-4o" }?.base.input)
        let newInput = try #require(new.prices.first { $0.model == "gpt-4o" }?.base.input)
        #expect(oldInput.units * 2 == newInput.units * 3)
        #expect(history.entries.contains { $0.requestedModel == "gpt-4o-mini" && $0.priceVersion == "builtin" })
    }

    @Test func outcomesHaveRealisticSuccessRatesPerWorkflow() throws {
        let history = try Self.history.get()
        let byWorkflow = Dictionary(grouping: history.outcomes, by: \.workflow)
        #expect(Set(byWorkflow.keys) == Set(DemoHistory.workflows.map(\.name)))
        for workflow in DemoHistory.workflows {
            let outcomes = try #require(byWorkflow[workflow.name])
            let rate = Double(outcomes.filter { $0.status == .success }.count) / Double(outcomes.count)
            #expect(abs(rate - workflow.successRate) < 0.08, "\(workflow.name): \(rate)")
        }
        let ids = Set(history.entries.map(\.id))
        let traces = Set(history.entries.compactMap(\.attribution.traceID))
        for outcome in history.outcomes {
            if let request = outcome.requestID { #expect(ids.contains(request)) } else { #expect(traces.contains(outcome.traceID ?? "")) }
            #expect(outcome.receivedAtMs >= outcome.occurredAtMs)
        }
    }

    /// Every governance feature shows up on its own in the history, recorded as the gateway records it.
    @Test func everyGovernanceFeatureShowsUp() throws {
        let history = try Self.history.get()
        let blocked = Dictionary(grouping: history.entries.filter { $0.status == .blocked }, by: { $0.governance ?? "" })
        let expected: [(String, Int)] = [
            ("blocked by budget:marketing-daily", 429), ("blocked by rate_limit:bulk-reindex", 429), ("blocked by policy:prod", 403),
            ("blocked by agent_limit:research-task", 429), ("blocked by kill_switch:workflow", 503),
        ]
        for (rule, status) in expected {
            let entries = blocked[rule] ?? []
            #expect(!entries.isEmpty, "\(rule)")
            #expect(entries.allSatisfy { $0.httpStatus == status && $0.errorMessage?.isEmpty == false }, "\(rule)")
        }
        let downgraded = history.entries.filter { $0.routedFrom != nil && $0.lever == nil }
        #expect(!downgraded.isEmpty)
        #expect(downgraded.allSatisfy { $0.routedFrom == "gpt-4o" && $0.requestedModel == "gpt-4o-mini" && $0.status != .blocked })
        #expect(downgraded.allSatisfy { $0.governance?.hasPrefix("downgraded from gpt-4o to gpt-4o-mini by budget:gpt-4o-daily") == true })
        let routed = history.entries.filter { $0.lever == "routing" }
        #expect(!routed.isEmpty)
        #expect(
            routed.allSatisfy { $0.routedFrom == "gpt-4o" && $0.requestedModel == "gpt-4o-mini" && $0.leverRule == "copilot-short: to gpt-4o-mini" })
        #expect(routed.allSatisfy { $0.usage == .zero ? $0.savedNanoUSD == nil : ($0.savedNanoUSD ?? 0) > 0 && $0.savedEstimated == true })
        let redacted = history.entries.filter { $0.redactions > 0 }
        #expect(
            !redacted.isEmpty
                && redacted.allSatisfy { $0.attribution.workflow == "support-copilot" && $0.governance?.contains("redacted email×") == true })
        // The runaway traces: exactly max_calls admitted, the rest refused.
        let runaway = Dictionary(grouping: blocked["blocked by agent_limit:research-task"] ?? [], by: { $0.attribution.traceID ?? "" })
        for trace in runaway.keys {
            #expect(history.entries.filter { $0.attribution.traceID == trace && $0.status != .blocked }.count == 25)
        }
        // One kill-switch episode; every marketing call inside it is refused, none outside it by the switch.
        let episode = try #require(history.killSwitches.first)
        #expect(history.killSwitches.count == 1 && episode.workflow == "marketing-drafting" && episode.toMs > episode.fromMs)
        for entry in history.entries where entry.attribution.workflow == "marketing-drafting" {
            let inside = entry.timestampMs >= episode.fromMs && entry.timestampMs < episode.toMs
            #expect(inside == (entry.governance == "blocked by kill_switch:workflow"))
        }
    }

    /// The budgets' alerts and refusals follow from the history's own spend (recomputed here per day and month).
    @Test func budgetAlertsAndRefusalsFollowFromTheSpend() throws {
        let history = try Self.history.get()
        for budget in DemoHistory.Rules.budgets {
            var spent: [String: Int64] = [:]
            for entry in history.entries where entry.status != .blocked {
                let matches =
                    switch budget.dimension {
                    case "org": entry.attribution.org == budget.value
                    case "team": entry.attribution.team == budget.value
                    default: entry.requestedModel == budget.value || entry.routedFrom == budget.value
                    }
                guard matches, entry.routedFrom == nil || budget.downgradeTo == nil else { continue }
                let day = CivilDate.format(unixSeconds: entry.timestampMs / 1_000)
                spent[budget.period == "month" ? String(day.prefix(7)) : day, default: 0] += entry.costNanoUSD ?? 0
            }
            if budget.mode == "strict" { #expect(spent.values.allSatisfy { $0 <= budget.limitNanoUSD }, "\(budget.name) never overspends") }
            let alerts = history.alerts.filter { $0.budget == budget.name }
            for (period, total) in spent {
                let crossed = Set(budget.thresholds.filter { Int128(total) * 100 >= Int128(budget.limitNanoUSD) * Int128($0) })
                let raised = Set(alerts.filter { $0.period == period }.map(\.thresholdPercent))
                #expect(raised == crossed, "\(budget.name) \(period)")
            }
        }
        let marketing = Set(history.alerts.filter { $0.budget == "marketing-daily" }.map(\.thresholdPercent))
        #expect(marketing == [50, 80, 100])
        #expect(history.alerts.contains { $0.budget == "demo-corp-monthly" && $0.thresholdPercent == 50 })
    }
}
