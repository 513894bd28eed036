import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

private typealias F = ContextFixtures

/// What holds whatever the strategies: a body that fits or cannot be read passes unchanged, strategies
/// stop once the body fits, and a body still over budget is reported so.
@Suite struct ContextCompactorSafetyTests {
    @Test func aBodyWithinTheBudgetIsLeftAlone() {
        let body = Array(F.chat([F.message("user", "12345678")]).utf8)
        #expect(ContextCompactor.compact(body, dialect: .openai, rule: F.rule(2)) == .fits(tokens: 2))
    }

    @Test(arguments: [
        (Dialect.openai, "{not json", "not valid JSON"),
        (.openai, #"[{"role":"user","content":"hi"}]"#, "not a JSON object"),
        (.openai, #"{"model":"m","input":"hi"}"#, "no messages array"),
        (.openai, #"{"model":"m","messages":[]}"#, "no messages array"),
        (.openai, #"{"messages":[{"role":"user","content":"a"}],"messages":[{"role":"user","content":"b"}]}"#, "repeats 'messages'"),
        (.openai, #"{"messages":["hi"]}"#, "messages[0] is not an object"),
        (.openai, #"{"messages":[{"role":"wizard","content":"hi"}]}"#, "unknown role 'wizard'"),
        (.openai, #"{"messages":[{"role":"user","content":42}]}"#, "messages[0].content"),
        (.openai, #"{"messages":[{"role":"assistant","tool_calls":{"id":"c"}}]}"#, "tool_calls is not an array"),
        (.anthropic, #"{"messages":[{"role":"system","content":"hi"}]}"#, "unknown role 'system'"),
        (.anthropic, #"{"messages":[{"role":"user"}]}"#, "messages.0.content"),
        (.anthropic, #"{"system":7,"messages":[{"role":"user","content":"hi"}]}"#, "system is neither"),
        (.anthropic, #"{"messages":[{"role":"user","content":["hi"]}]}"#, "not an object"),
    ])
    func aBodyThatIsNotAConversationIsLeftAloneWithAReason(dialect: Dialect, body: String, reason: String) {
        guard case .unreadable(let found) = ContextCompactor.compact(Array(body.utf8), dialect: dialect, rule: F.rule(1)) else {
            Issue.record("expected the body to be left unread")
            return
        }
        #expect(found.contains(reason), "\(found)")
    }

    @Test func laterStrategiesAreNotAppliedOnceTheBodyFits() throws {
        let pretty = "{\n  \"a\": 1,\n  \"b\": [1,   2,   3]\n}"
        let body = F.chat([
            F.message("system", F.instructions), F.message("user", "task"), F.calls([("c1", pretty)]), F.tool("c1", F.filler(300)),
            F.message("system", F.instructions), F.message("assistant", "a"), F.message("user", "next"), F.message("assistant", "b"),
            F.message("user", "last"),
        ])
        let compacted = try F.run(body, .openai, F.rule(1, [.compactJSON]))
        #expect(compacted.tokensAfter < compacted.tokensBefore)
        let r = try F.run(body, .openai, F.rule(Int(compacted.tokensAfter)))
        #expect(r.applied == [.compactJSON] && r.fits && r.body == compacted.body)
        #expect(try F.roles(r.body).filter { $0 == "system" }.count == 2)
        let next = try F.run(body, .openai, F.rule(Int(compacted.tokensAfter) - 1))
        #expect(next.applied == [.compactJSON, .dedupeInstructions] && next.fits)
    }

    @Test func aBodyStillOverBudgetAfterEveryStrategyIsReported() throws {
        let body = F.chat([
            F.message("system", F.filler(200)), F.message("user", "old"), F.calls([("c1", "{ }")]), F.tool("c1", F.filler(400)),
            F.message("assistant", "a"), F.message("user", F.filler(100)),
        ])
        let r = try F.run(body, .openai, F.rule(10, toolTokens: 5))
        #expect(!r.fits && r.tokensAfter > 10)
        #expect(r.applied == [.compactJSON, .truncateToolResults, .keepLastTurns])
        #expect(r.tokensAfter == 75 && r.protectedTokens == 50)  // the system prompt (200 bytes) and the latest input (100)
        #expect(r.summary == nil)
    }

    @Test func aConversationWithNothingToShrinkIsReturnedAsSent() throws {
        let body = F.chat([F.message("system", "s"), F.message("user", F.filler(300))])
        let r = try F.run(body, .openai, F.rule(10))
        #expect(r.applied.isEmpty && !r.fits && r.body == Array(body.utf8) && r.tokensAfter == r.tokensBefore)
    }

    @Test func summarizeReportsTheTurnsItWouldReplaceWithoutCallingAModel() throws {
        let body = F.messages(
            system: F.q("sys"),
            [
                F.message("user", F.filler(200)), F.message("assistant", F.filler(100)), F.message("user", "u2"), F.message("assistant", "a2"),
                F.message("user", "last"),
            ])
        let settings = ContextBudgetRule.Summary(model: "gpt-4o-mini", maxTokens: 20)
        let r = try F.run(body, .anthropic, F.rule(30, [.compactJSON, .summarize], keep: 2, summarize: settings))
        #expect(r.applied.isEmpty && !r.fits && r.body == Array(body.utf8))
        let plan = try #require(r.summary)
        #expect(plan.messages == 0..<2 && plan.tokens == 75 && plan.model == "gpt-4o-mini" && plan.maxTokens == 20)
        #expect(plan.projectedTokens == 3 + 20)  // "sys", "u2", "a2", "last": 11 bytes, and the summary
    }

    @Test func editsInsideAMessageLeaveItsOtherMembersAsWritten() throws {
        let tool = #"{ "tool_call_id" : "c1" ,"content":"\#(F.filler(200))",  "role" : "tool", "x-extra" : [ 1 , 2 ] }"#
        let body = F.chat([F.message("user", "task"), F.calls([("c1", "{}")]), tool, F.message("assistant", "done"), F.message("user", "go")])
        let r = try F.run(body, .openai, F.rule(30, [.truncateToolResults], toolTokens: 5))
        let text = String(decoding: r.body, as: UTF8.self)
        #expect(
            text.contains(
                #"{ "tool_call_id" : "c1" ,"content":"\#(F.filler(20))\n… [truncated by Tollgate: 45 tokens removed]",  "role" : "tool", "x-extra" : [ 1 , 2 ] }"#
            ))
    }
}
