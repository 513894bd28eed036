import Foundation
import Testing

@testable import TollgateCore

/// Decoding `levers.context[]` rules: each field, its default, and each problem at its key path.
@Suite struct ContextBudgetRuleTests {
    /// A stand-in for the `levers` object holding the rules.
    struct Levers: Decodable {
        var context: [ContextBudgetRule]

        enum CodingKeys: String, CodingKey, CaseIterable { case context }

        init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            context = try c.list(ContextBudgetRule.self, forKey: .context) ?? []
        }
    }

    static func decode(_ rules: String) throws -> (rules: [ContextBudgetRule], issues: [String: String]) {
        let collector = ConfigurationIssueCollector()
        let decoder = JSONDecoder()
        decoder.userInfo[ConfigurationIssueCollector.userInfoKey] = collector
        let levers = try decoder.decode(Levers.self, from: Data(#"{"context": [\#(rules)]}"#.utf8))
        return (levers.context, Dictionary(collector.issues.map { ($0.path, $0.message) }, uniquingKeysWith: { $0 + " | " + $1 }))
    }

    @Test func everyFieldIsRead() throws {
        let (rules, issues) = try Self.decode(
            #"""
            {"name": "agents", "match": {"workflow": "agent"}, "max_input_tokens": 8000, "strategies": ["truncate_tool_results", "summarize"],
             "keep_last_turns": 3, "max_tool_result_tokens": 250, "on_over_budget": "refuse",
             "summarize": {"model": "gpt-4o-mini", "max_tokens": 300}}
            """#)
        #expect(issues.isEmpty)
        let rule = try #require(rules.first)
        #expect(rule.name == "agents" && rule.match.conditions[.workflow] == .equals("agent") && rule.maxInputTokens == 8_000)
        #expect(rule.strategies == [.truncateToolResults, .summarize] && rule.keepLastTurns == 3 && rule.maxToolResultTokens == 250)
        #expect(rule.onOverBudget == .refuse && rule.summarize == .init(model: "gpt-4o-mini", maxTokens: 300))
        #expect(rule.issues(path: "levers.context[0]", models: ["gpt-4o-mini"]).isEmpty)
    }

    @Test func omittedFieldsTakeTheirDefaults() throws {
        let (rules, issues) = try Self.decode(#"{"name": "all", "max_input_tokens": 1}"#)
        #expect(issues.isEmpty)
        #expect(rules == [ContextBudgetRule(name: "all", maxInputTokens: 1)])
        let rule = try #require(rules.first)
        #expect(rule.strategies == [.compactJSON, .dedupeInstructions, .truncateToolResults, .keepLastTurns])
        #expect(rule.keepLastTurns == 6 && rule.maxToolResultTokens == 1_000 && rule.onOverBudget == .forward && rule.summarize == nil)
        #expect(rule.match == GovernanceScope())
    }

    @Test func eachProblemIsReportedAtItsKeyPath() throws {
        let (_, issues) = try Self.decode(
            #"""
            {"name": "a", "max_input_tokens": 0, "keep_last_turns": 0, "max_tool_result_tokens": -5, "on_over_budget": "drop"},
            {"name": "b", "strategies": ["compact_json", "keep_last_turn"], "budget": 3},
            {"name": "c", "max_input_tokens": "lots", "strategies": [], "summarize": {"max_tokens": 0, "modle": "x"}},
            {"max_input_tokens": 10, "summarize": "gpt-4o-mini"}
            """#)
        let expected = [
            "context[0].max_input_tokens": "must be at least 1",
            "context[0].keep_last_turns": "must be at least 1",
            "context[0].max_tool_result_tokens": "must be at least 1",
            "context[0].on_over_budget": "'drop' is not one of forward, refuse",
            "context[1].budget": "unknown key 'budget' (expected one of: keep_last_turns, match, max_input_tokens, max_tool_result_tokens, "
                + "name, on_over_budget, strategies, summarize)",
            "context[1].max_input_tokens": "required key is missing",
            "context[1].strategies[1]":
                "'keep_last_turn' is not one of compact_json, dedupe_instructions, truncate_tool_results, keep_last_turns, summarize "
                + "(did you mean 'keep_last_turns'?)",
            "context[2].max_input_tokens": "expected an integer",
            "context[2].strategies": "must name at least one strategy",
            "context[2].summarize.modle": "unknown key 'modle' (did you mean 'model'?)",
            "context[2].summarize.model": "required key is missing",
            "context[2].summarize.max_tokens": "must be at least 1",
            "context[3].name": "required key is missing",
            "context[3].summarize": "expected a mapping",
        ]
        #expect(issues == expected, "\(issues)")
    }

    @Test func crossChecksNameTheKeyAtFault() {
        let summary = ContextBudgetRule.Summary(model: "gpt-9", maxTokens: 500)
        let rules = [
            ContextBudgetRule(
                name: "a", match: .init([.model: .equals("gpt-5")]), maxInputTokens: 500,
                strategies: [.compactJSON, .summarize, .compactJSON, .keepLastTurns], summarize: summary),
            ContextBudgetRule(name: "a", maxInputTokens: 100, strategies: [.summarize]),
            ContextBudgetRule(name: "", maxInputTokens: 1_000, summarize: .init(model: "gpt-4o-mini")),
        ]
        let issues = ContextBudgetRule.issues(rules, path: "levers.context", models: ["gpt-4o-mini"]).map { "\($0.path): \($0.message)" }
        #expect(
            issues == [
                "levers.context[0].strategies[2]: 'compact_json' is listed twice",
                "levers.context[0].strategies[1]: 'summarize' must be the last strategy",
                "levers.context[0].strategies[1]: 'summarize' and 'keep_last_turns' both take the turns before the last keep_last_turns; list one",
                "levers.context[0].summarize.model: unknown model 'gpt-9'",
                "levers.context[0].summarize.max_tokens: must be below max_input_tokens (500)",
                "levers.context[0].match.model: unknown model 'gpt-5'",
                "levers.context[1].strategies[0]: 'summarize' needs the summarize settings (model, max_tokens)",
                "levers.context[1].name: duplicate context rule name 'a'",
                "levers.context[2].name: must not be empty",
                "levers.context[2].summarize: is set but 'summarize' is not among the strategies",
            ], "\(issues)")
    }

    @Test func theCanonicalTextNamesEverySetting() {
        let rule = ContextBudgetRule(
            name: "agents", match: .init([.workflow: .equals("agent")]), maxInputTokens: 8_000, strategies: [.compactJSON, .summarize],
            keepLastTurns: 3, maxToolResultTokens: 250, onOverBudget: .refuse, summarize: .init(model: "mini", maxTokens: 300))
        #expect(
            rule.canonicalText
                == "context rule name=agents match=workflow=agent max_input_tokens=8000 strategies=compact_json,summarize keep_last_turns=3 "
                + "max_tool_result_tokens=250 on_over_budget=refuse summarize=mini:300")
        var other = rule
        other.keepLastTurns = 4
        #expect(other.canonicalText != rule.canonicalText)
        #expect(ContextBudgetRule(name: "x", maxInputTokens: 9).canonicalText.hasSuffix("on_over_budget=forward summarize=none"))
    }
}
