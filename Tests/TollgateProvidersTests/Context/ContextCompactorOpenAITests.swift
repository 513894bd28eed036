import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

private typealias F = ContextFixtures

/// Each strategy on OpenAI chat bodies, and the rules that keep the conversation valid.
@Suite struct ContextCompactorOpenAITests {
    @Test func compactJSONDropsOnlyTheWhitespaceOfArgumentsAndResults() throws {
        let arguments = "{\n    \"city\": \"Paris\",\n    \"note\": \"caf\\u00e9  au lait\",\n    \"days\": [ 1, 2 ]\n}"
        let result = "[\n  {\n    \"temp\": 21.50,\n    \"sky\": \"clear  skies\"\n  }\n]"
        let body = F.chat([
            F.message("system", "Be brief."), F.message("user", "Weather in Paris?"), F.calls([("call_1", arguments)]),
            F.tool("call_1", result), F.message("tool", "not json {"), F.message("assistant", "It is 21.5."), F.message("user", "Thanks"),
        ])
        let before = try F.estimate(Array(body.utf8), .openai)
        let r = try F.run(body, .openai, F.rule(Int(before) - 5, [.compactJSON]))
        #expect(r.applied == [.compactJSON] && r.fits)
        let m = try F.messages(of: r.body)
        let call = try #require((m[2]["tool_calls"] as? [[String: Any]])?.first?["function"] as? [String: Any])
        #expect(call["arguments"] as? String == #"{"city":"Paris","note":"caf\u00e9  au lait","days":[1,2]}"#)
        #expect(m[3]["content"] as? String == #"[{"temp":21.50,"sky":"clear  skies"}]"#)
        #expect(m[4]["content"] as? String == "not json {")
    }

    @Test func dedupeKeepsTheFirstOccurrenceOfAnInstructionBlock() throws {
        let body = F.chat([
            F.message("system", F.instructions), F.message("user", "First question?"), F.message("assistant", "First answer."),
            F.message("system", F.instructions), F.parts("user", [F.instructions, "Second question?"]), F.message("assistant", "ok"),
            F.parts("user", ["ok", "ok"]), F.message("assistant", "ok"), F.parts("user", [F.instructions, "Last question?"]),
        ])
        let r = try F.run(body, .openai, F.rule(80, [.dedupeInstructions]))
        #expect(r.applied == [.dedupeInstructions] && r.droppedMessages == 1)
        let m = try F.messages(of: r.body)
        #expect(m.map { $0["role"] as? String } == ["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"])
        #expect(m[0]["content"] as? String == F.instructions)
        #expect((m[3]["content"] as? [[String: Any]])?.map { $0["text"] as? String } == ["Second question?"])
        #expect((m[5]["content"] as? [[String: Any]])?.count == 2, "short texts are not instructions")
        #expect((m[7]["content"] as? [[String: Any]])?.count == 2, "the latest input is never edited")
    }

    @Test func repeatedInstructionsInTheLeadingSystemMessagesStay() throws {
        let body = F.chat([
            F.message("system", F.instructions), F.message("developer", F.instructions), F.message("user", "Hi"),
            F.message("developer", F.instructions), F.message("user", "Last"),
        ])
        let r = try F.run(body, .openai, F.rule(10, [.dedupeInstructions]))
        #expect(try F.roles(r.body) == ["system", "developer", "user", "user"])
        #expect(!r.fits)
    }

    @Test func truncateCutsOlderToolResultsButNotTheLatestOnes() throws {
        let big = F.filler(400)
        let body = F.chat([
            F.message("system", "s"), F.message("user", "task"), F.calls([("c1", "{}")]), F.tool("c1", big), F.message("assistant", "seen"),
            F.message("user", "next"), F.calls([("c2", "{}")]), F.tool("c2", big),
        ])
        let r = try F.run(body, .openai, F.rule(150, [.truncateToolResults], toolTokens: 10))
        #expect(r.applied == [.truncateToolResults] && r.fits)
        let m = try F.messages(of: r.body)
        #expect(m[3]["content"] as? String == String(big.prefix(40)) + "\n… [truncated by Tollgate: 90 tokens removed]")
        #expect(m[7]["content"] as? String == big)
    }

    @Test func truncateSharesTheAllowanceAcrossTextParts() throws {
        let parts =
            #"{"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"\#(F.filler(24))"},"#
            + #"{"type":"text","text":"\#(F.filler(100, word: "ab "))"},{"type":"text","text":"\#(F.filler(80))"}]}"#
        let body = F.chat([F.message("user", "task"), F.calls([("c1", "{}")]), parts, F.message("assistant", "done"), F.message("user", "go")])
        let r = try F.run(body, .openai, F.rule(20, [.truncateToolResults], toolTokens: 10))
        let content = try #require(try F.messages(of: r.body)[2]["content"] as? [[String: Any]])
        #expect(content.map { $0["text"] as? String } == [F.filler(24), "ab ab ab ab ab a\n… [truncated by Tollgate: 41 tokens removed]"])
    }

    @Test func keepLastTurnsKeepsParallelToolCallsWithTheirResults() throws {
        let body = F.chat([
            F.message("system", "s"), F.message("user", F.filler(200)), F.calls([("c1", "{}"), ("c2", "{}")]), F.tool("c1", "r1"),
            F.tool("c2", "r2"), F.message("assistant", "a1"), F.message("user", "u2"), F.calls([("c3", "{}"), ("c4", "{}")]),
            F.tool("c3", "r3"), F.tool("c4", "r4"), F.message("assistant", "a2"), F.message("user", "u3"), F.calls([("c5", "{}")]),
            F.tool("c5", "r5"),
        ])
        let two = try F.run(body, .openai, F.rule(20, [.keepLastTurns], keep: 2))
        #expect(two.applied == [.keepLastTurns] && two.droppedMessages == 5 && two.fits)
        #expect(try F.roles(two.body) == ["system", "user", "assistant", "tool", "tool", "assistant", "user", "assistant", "tool"])
        let ids = try F.openAIToolIDs(two.body)
        #expect(ids.calls == ["c3", "c4", "c5"] && ids.results == ["c3", "c4", "c5"])
        let one = try F.run(body, .openai, F.rule(10, [.keepLastTurns], keep: 1))
        #expect(try F.roles(one.body) == ["system", "user", "assistant", "tool"])
        #expect(try F.openAIToolIDs(one.body).calls == ["c5"] && F.openAIToolIDs(one.body).results == ["c5"])
    }

    @Test func noCutSeparatesACallFromAResultThatComesLater() throws {
        // A result sent after the next user message: the turn boundary there would orphan it.
        let body = F.chat([
            F.message("system", "s"), F.message("user", F.filler(200)), F.calls([("c1", "{}"), ("c2", "{}")]), F.tool("c1", "r1"),
            F.message("user", "u2"), F.tool("c2", "r2"), F.message("assistant", "a"), F.message("user", "u3"),
        ])
        let r = try F.run(body, .openai, F.rule(10, [.keepLastTurns], keep: 2))
        #expect(r.applied.isEmpty && !r.fits && r.body == Array(body.utf8))
        let kept = try F.run(body, .openai, F.rule(10, [.keepLastTurns], keep: 1))
        #expect(try F.roles(kept.body) == ["system", "user"])
    }

    @Test func theLeadingSystemMessagesAndEveryUneditedByteSurvive() throws {
        let head =
            #"{ "model" :"gpt-4o",  "messages" : [ {"content" : "Rules.\n", "role":"system"} ,"#
            + "\n  " + #"{"role":"developer","content":[ {"type":"text","text":"Style."} ]}"#
        let tail = #"  , { "content" : "last  question" ,"role":"user" } ] ,"temperature" :0 , "stream":false}"#
        let middle = [
            F.message("user", "old"), F.calls([("c1", "{ \"a\" : 1 }")]), F.tool("c1", F.filler(800)), F.message("assistant", "a"),
            F.message("system", "Style."), F.message("user", "newer"), F.message("assistant", "b"),
        ]
        let body = head + "," + middle.joined(separator: " ,\n ") + tail
        let original = Array(body.utf8)
        let r = try F.run(body, .openai, F.rule(20, keep: 1, toolTokens: 5))
        #expect(r.applied == [.compactJSON, .truncateToolResults, .keepLastTurns] && r.fits)
        let prefixEnd = try F.end(ofMessage: 1, in: original)
        #expect(Array(r.body.prefix(prefixEnd)) == Array(original[..<prefixEnd]))
        #expect(r.body.suffix(tail.utf8.count) == original.suffix(tail.utf8.count))
        #expect(r.cachedPrefixTokens == 4 && r.protectedTokens == 4)  // "Rules.\n" and "Style.": 13 bytes
    }
}
