import Foundation
import Testing
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationDuplicateKeyTests {
    private struct Probe: Decodable {
        var model: String?
        var n: Int?
    }

    private let repeated = Data("{\"model\":\"first\",\"n\":1,\"model\":\"last\",\"n\":2}".utf8)

    /// Documents Foundation itself: on Linux, `JSONDecoder` keeps the first occurrence of a repeated key,
    /// while `JSONSerialization` keeps the last. The simulator therefore rewrites such bodies first.
    @Test func foundationDisagreesWithItselfOnRepeatedKeys() throws {
        let decoded = try JSONDecoder().decode(Probe.self, from: repeated)
        #if os(Linux)
        #expect(decoded.model == "first")
        #expect(decoded.n == 1)
        #endif
        let object = try #require(try JSONSerialization.jsonObject(with: repeated) as? [String: Any])
        #expect(object["model"] as? String == "last")
        #expect(object["n"] as? Int == 2)
    }

    @Test func theLastOccurrenceWinsEverywhereInTheDocument() throws {
        let json = "{\"a\":1,\"b\":[{\"x\":1,\"x\":{\"y\":2}}],\"a\" : \"two\" , \"c\":{\"k\":true,\"k\":null}}"
        let rewritten = try #require(SimulationDuplicateKeys.lastWins(Array(json.utf8)))
        #expect(String(decoding: rewritten, as: UTF8.self) == "{\"b\":[{\"x\":{\"y\":2}}],\"a\":\"two\",\"c\":{\"k\":null}}")
    }

    @Test func escapedSpellingsOfAKeyAreTheSameKey() throws {
        let json = "{\"model\":\"first\",\"mod\\u0065l\":\"last\"}"
        let rewritten = try #require(SimulationDuplicateKeys.lastWins(Array(json.utf8)))
        #expect(String(decoding: rewritten, as: UTF8.self) == "{\"mod\\u0065l\":\"last\"}")
    }

    @Test func documentsWithoutRepeatsOrThatAreNotJSONAreLeftAlone() {
        #expect(SimulationDuplicateKeys.lastWins(Array("{\"a\":{\"a\":1},\"b\":[\"a\",\"a\"]}".utf8)) == nil)
        #expect(SimulationDuplicateKeys.lastWins(Array("{\"a\":1,\"a\":".utf8)) == nil)
        #expect(SimulationDuplicateKeys.lastWins(Array("{\"a\":1,\"a\":2} trailing".utf8)) == nil)
        #expect(SimulationDuplicateKeys.lastWins(Array("[1,2,3]".utf8)) == nil)
        #expect(SimulationDuplicateKeys.lastWins([]) == nil)
    }

    @Test func theSimulatorsParsersTakeTheLastOccurrence() throws {
        let chat = try SimulatedPrompt.openAIChat(
            json: SimulationFixture.bytes(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                    + "\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream\":false}"
            )
        )
        #expect(chat.model == "gpt-4o-mini")
        #expect(!chat.stream)
        let messages = try SimulatedPrompt.anthropicMessages(
            json: SimulationFixture.bytes(
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"abcd\",\"content\":\"abcdefgh\"}],\"max_tokens\":5}"
            )
        )
        #expect(messages.inputTokens == 2)
    }
}
