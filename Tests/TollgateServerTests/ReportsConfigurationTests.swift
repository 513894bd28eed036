import Testing
import TollgateCore
import TollgateServer

@testable import TollgateCLI

/// The `reports:` section: strict decoding, defaults, exact rate-card percentages.
@Suite struct ReportsConfigurationTests {
    static let base = """
        providers: [{name: p, kind: openai, base_url: "http://127.0.0.1:1/v1", api_key: x}]
        models: [{name: m, provider: p}]

        """

    @Test func theSectionIsOptionalAndDecodesTargetsAndARateCard() throws {
        #expect(try ConfigurationLoader.load(text: Self.base, origin: "t.yaml", environment: [:]).configuration.reports == ReportsConfiguration())
        let text =
            Self.base + """
                reports:
                  targets: {attribution_coverage: 0.99, min_cache_hit_rate: 0.25, max_unpriced_calls: 3}
                  rate_card:
                    tiers: {standard: {markup_percent: "12.5"}, premium: {markup_percent: 5, overhead_percent: "0.000001"}}
                    teams: {support: premium}
                    shared_teams: [platform]
                    allocation: fixed
                    fixed_shares: {support: "2.5", legal: 1}
                """
        let reports = try ConfigurationLoader.load(text: text, origin: "t.yaml", environment: [:]).configuration.reports
        #expect(reports.targets.attributionCoverage == 0.99 && reports.targets.minCacheHitRate == 0.25 && reports.targets.maxUnpricedCalls == 3)
        #expect(reports.targets.auditCompleteness == 0.95 && reports.targets.maxInputShare == nil)
        let card = try #require(reports.rateCard)
        #expect(card.tiers["standard"]?.markupPercent == "12.5" && card.tiers["premium"]?.overheadPercent == "0.000001")
        #expect(card.allocation == .fixed && card.fixedShares == ["support": "2.5", "legal": "1"] && card.sharedTeams == ["platform"])
        #expect(card.tier(of: "support").name == "premium" && card.tier(of: "growth").name == "standard")
    }

    @Test(arguments: [
        ("reports: {colour: 1}", "unknown key 'colour'"),
        ("reports: {targets: {coverage: 0.9}}", "unknown key 'coverage'"),
        ("reports: {targets: {attribution_coverage: 95}}", "between 0 and 1"),
        ("reports: {rate_card: {tiers: {a: {markup: 1}}}}", "unknown key 'markup'"),
        ("reports: {rate_card: {tiers: {a: {markup_percent: ten}}}}", "not a non-negative decimal"),
        ("reports: {rate_card: {tiers: {a: {markup_percent: \"0.0000001\"}}}}", "more than 6 decimal places"),
        ("reports: {rate_card: {teams: {x: gold}}}", "tier 'gold' is not defined"),
        ("reports: {rate_card: {allocation: fair}}", "allocation"),
    ])
    func mistakesAreRejectedWithTheirPath(yaml: String, words: String) {
        #expect {
            _ = try ConfigurationLoader.load(text: Self.base + yaml, origin: "t.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains(words)
        }
    }

    /// A rate card's mistakes are reported together with the rest of the file's, each at its key path.
    @Test func rateCardProblemsJoinTheOtherProblemsOfTheFile() {
        let text =
            Self.base + """
                server: {prot: 1}
                reports:
                  rate_card:
                    tiers: {a: {markup: 1, overhead_percent: ten}, b: {markup_percent: "0.0000001"}}
                    default_tier: a
                    teams: {x: gold}
                    allocation: fair
                    fixed_shares: {y: lots, z: "1.5"}
                """
        var problems: [String] = []
        do {
            _ = try ConfigurationLoader.check(text: text, origin: "t.yaml", environment: [:])
        } catch let error as ConfigurationLoader.LoadError {
            problems = error.problems
        } catch {
            problems = ["\(error)"]
        }
        let expected = [
            "server.prot: unknown key 'prot'",
            "reports.rate_card.tiers.a.markup: unknown key 'markup'",
            "reports.rate_card.tiers.a.overhead_percent: 'ten' is not a non-negative decimal number",
            "reports.rate_card.allocation: 'fair' is not one of proportional, even, fixed",
            "reports.rate_card.fixed_shares.y: 'lots' is not a non-negative decimal number",
            "rate_card.teams.x: tier 'gold' is not defined",
            "rate_card.tiers.b.markup_percent: '0.0000001' has more than 6 decimal places",
        ]
        #expect(problems.count == expected.count, "\(problems)")
        for words in expected {
            #expect(problems.contains { $0.contains(words) }, "\(words) not in \(problems)")
        }
    }
}
