import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

private typealias F = ContextFixtures

/// Each strategy on Anthropic messages bodies, with the prompt-cache prefix and the roles' order kept.
@Suite struct ContextCompactorAnthropicTests {
    static let image = #"{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}"#

    @Test func compactJSONRewritesToolResultsButNotToolInputs() throws {
        let pretty = "{\n  \"rows\": [\n    {\"id\": 1, \"name\": \"a  b\"}\n  ]\n}"
        let blocks = #"{"type":"tool_result","tool_use_id":"t2","content":[{"type":"text","text":\#(F.q(pretty))}]}"#
        let body = F.messages(
            system: F.q("sys"),
            [
                F.message("user", "task"), F.turn("assistant", [F.toolUse("t1", #"{ "q" : "x" }"#), F.toolUse("t2")]),
                F.turn("user", [F.toolResult("t1", pretty), blocks]), F.message("assistant", "done"), F.message("user", "next"),
            ])
        let r = try F.run(body, .anthropic, F.rule(21, [.compactJSON]))
        #expect(r.applied == [.compactJSON] && r.fits)
        let m = try F.messages(of: r.body)
        let results = try #require(m[2]["content"] as? [[String: Any]])
        #expect(results[0]["content"] as? String == #"{"rows":[{"id":1,"name":"a  b"}]}"#)
        #expect((results[1]["content"] as? [[String: Any]])?.first?["text"] as? String == #"{"rows":[{"id":1,"name":"a  b"}]}"#)
        #expect(String(decoding: r.body, as: UTF8.self).contains(#"{ "q" : "x" }"#))
    }

    @Test func dedupeRemovesARepeatedTextBlockOfAUserMessage() throws {
        let body = F.messages(
            system: F.q(F.instructions),
            [
                F.turn("user", [F.text(F.instructions), F.text("First question?")]), F.message("assistant", "a1"),
                F.turn("user", [F.text("Second?"), F.text(F.instructions)]), F.turn("assistant", [F.text(F.instructions)]),
                F.turn("user", [F.text(F.instructions), F.text("Last?")]),
            ])
        let r = try F.run(body, .anthropic, F.rule(60, [.dedupeInstructions]))
        #expect(r.applied == [.dedupeInstructions] && r.droppedMessages == 0)
        let m = try F.messages(of: r.body)
        func texts(_ i: Int) -> [String?] { (m[i]["content"] as? [[String: Any]] ?? []).map { $0["text"] as? String } }
        #expect(texts(0) == ["First question?"] && texts(2) == ["Second?"])
        #expect(texts(3) == [F.instructions], "an assistant's text is not an instruction")
        #expect(texts(4) == [F.instructions, "Last?"], "the latest input is never edited")
        #expect(try F.roles(r.body) == ["user", "assistant", "user", "assistant", "user"])
    }

    @Test func truncateCutsToolResultsBeforeTheLastUserMessage() throws {
        let big = F.filler(400)
        let parts = #"{"type":"tool_result","tool_use_id":"t2","content":[\#(F.text(big)),\#(Self.image),\#(F.text(big))]}"#
        let body = F.messages([
            F.message("user", "task"), F.turn("assistant", [F.toolUse("t1"), F.toolUse("t2")]), F.turn("user", [F.toolResult("t1", big), parts]),
            F.turn("assistant", [F.toolUse("t3")]), F.turn("user", [F.toolResult("t3", big)]),
        ])
        let r = try F.run(body, .anthropic, F.rule(200, [.truncateToolResults], toolTokens: 10))
        #expect(r.applied == [.truncateToolResults] && r.fits)
        let m = try F.messages(of: r.body)
        let cut = try #require(m[2]["content"] as? [[String: Any]])
        #expect(cut[0]["content"] as? String == String(big.prefix(40)) + "\n… [truncated by Tollgate: 90 tokens removed]")
        let blocks = try #require(cut[1]["content"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["text", "image"])
        #expect(blocks[0]["text"] as? String == String(big.prefix(40)) + "\n… [truncated by Tollgate: 190 tokens removed]")
        #expect((m[4]["content"] as? [[String: Any]])?.first?["content"] as? String == big)
    }

    @Test func keepLastTurnsKeepsToolUsesWithTheirResultsAndTheRolesAlternating() throws {
        let body = F.messages([
            F.message("user", F.filler(300)), F.turn("assistant", [F.toolUse("t1"), F.toolUse("t2")]),
            F.turn("user", [F.toolResult("t1", "r1"), F.toolResult("t2", "r2")]), F.message("assistant", "a"), F.message("user", "u4"),
            F.turn("assistant", [F.text("calling"), F.toolUse("t3")]), F.turn("user", [F.toolResult("t3", "r3"), F.text("and also")]),
            F.message("assistant", "b"), F.message("user", "last"),
        ])
        let two = try F.run(body, .anthropic, F.rule(10, [.keepLastTurns], keep: 2))
        #expect(two.applied == [.keepLastTurns] && two.droppedMessages == 4 && two.fits)
        #expect(try F.roles(two.body) == ["user", "assistant", "user", "assistant", "user"])
        let ids = try F.anthropicToolIDs(two.body)
        #expect(ids.uses == ["t3"] && ids.results == ["t3"])
        let one = try F.run(body, .anthropic, F.rule(10, [.keepLastTurns], keep: 1))
        #expect(try F.roles(one.body) == ["user"] && F.messages(of: one.body).first?["content"] as? String == "last")
    }

    @Test func aPrefixEndingOnAUserMessageIsFollowedByAnAssistantMessage() throws {
        let body = F.messages([
            F.turn("user", [F.text("context", cached: true)]), F.message("assistant", "x"), F.message("user", F.filler(300)),
            F.message("assistant", "y"), F.message("user", "last"),
        ])
        let r = try F.run(body, .anthropic, F.rule(10, [.keepLastTurns], keep: 1))
        #expect(try F.roles(r.body) == ["user", "assistant", "user"])
        #expect(try F.messages(of: r.body).map { $0["content"] as? String } == [nil, "y", "last"])
    }

    @Test func theCachedPrefixIsForwardedByteForByte() throws {
        let system = #"[ {"type":"text", "text":"Policy.",  "cache_control":{"type":"ephemeral"}} ]"#
        let prefix = [
            #"{ "role":"user","content" : "old  q" }"#, F.message("assistant", "old a"),
            #"{"content":[ {"cache_control":{"type":"ephemeral"},"type":"text","text":"ctx"} ],"role":"user"}"#,
        ]
        let rest = [
            F.turn("assistant", [F.toolUse("t1")]), F.turn("user", [F.toolResult("t1", F.filler(600))]), F.message("assistant", "ok"),
            F.message("user", "q"), F.message("assistant", "a"), F.message("user", "last"),
        ]
        let body = F.messages(system: system, prefix + rest, after: #" ,  "temperature":0.2 "#)
        let original = Array(body.utf8)
        let r = try F.run(body, .anthropic, F.rule(10, keep: 1, toolTokens: 5))
        #expect(r.applied == [.truncateToolResults, .keepLastTurns] && r.fits)
        let end = try F.end(ofMessage: 2, in: original)
        #expect(Array(r.body.prefix(end)) == Array(original[..<end]))
        #expect(try F.roles(r.body) == ["user", "assistant", "user", "assistant", "user"])
        #expect(r.cachedPrefixTokens == 6 && r.protectedTokens == 6)  // "Policy.", "old  q", "old a", "ctx": 21 bytes
        #expect(r.body.suffix(40) == original.suffix(40))
    }

    @Test func withoutABreakpointOnlyTheSystemPromptIsProtectedAndNothingIsCached() throws {
        let body = F.messages(system: F.q("Policy."), [F.message("user", F.filler(300)), F.message("assistant", "a"), F.message("user", "last")])
        let r = try F.run(body, .anthropic, F.rule(10, [.keepLastTurns]))
        #expect(try F.roles(r.body) == ["user"] && r.fits)
        #expect(r.protectedTokens == 2 && r.cachedPrefixTokens == 0)
    }

    @Test func aTopLevelCacheControlProtectsTheWholeConversation() throws {
        let body = F.messages(
            [F.message("user", F.filler(300)), F.message("assistant", "a"), F.message("user", "last")],
            after: #","cache_control":{"type":"ephemeral"}"#)
        let r = try F.run(body, .anthropic, F.rule(10))
        #expect(r.applied.isEmpty && !r.fits && r.body == Array(body.utf8))
    }
}
