import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// The exact cache key: one key per meaning, whatever the writing; a new key for anything that changes the answer.
@Suite struct ResponseCacheKeyTests {
    static let base = #"{"model":"gpt-4o-mini","temperature":0,"messages":[{"role":"user","content":"Summarise ticket 42"}]}"#

    static func key(
        _ body: String, dialect: Dialect = .openai, route: String = "chat.completions", served: String = "gpt-4o-mini",
        scope: String = "team:support"
    ) throws -> String {
        let document = try JSONDocument(parsing: Array(body.utf8))
        return try #require(ResponseCacheKey(body: document, dialect: dialect, route: route, servedModel: served, scope: scope)).hex
    }

    @Test(arguments: [
        #"{ "messages" : [ { "content" : "Summarise ticket 42" , "role" : "user" } ] , "temperature" : 0.0 , "model" : "gpt-4o-mini" }"#,
        #"{"model":"gpt-4o-mini","temperature":0e5,"messages":[{"role":"\u0075ser","content":"Summarise ticket \u0034\u0032"}]}"#,
        "{\n\t\"temperature\": -0,\r\n\"messages\": [{\"role\": \"user\", \"content\": \"Summarise ticket 42\"}], \"model\": \"gpt-4o-mini\"}",
        // Fields that change nothing in the answer, and a model alias served by the same model.
        #"{"model":"fast","temperature":0,"messages":[{"role":"user","content":"Summarise ticket 42"}],"user":"u-7","stream":true,"stream_options":{"include_usage":true},"metadata":{"a":"b"},"store":false}"#,
        // null is omitted; a repeated key keeps its last value, as the provider's parser does.
        #"{"model":"gpt-4o-mini","temperature":0,"seed":null,"messages":[{"role":"user","content":"other"}],"messages":[{"role":"user","content":"Summarise ticket 42"}]}"#,
        // Defaults written out are the same request as defaults omitted.
        #"{"model":"gpt-4o-mini","temperature":0,"top_p":1.0,"n":1,"presence_penalty":0,"frequency_penalty":0.0,"messages":[{"role":"user","content":"Summarise ticket 42"}]}"#,
    ])
    func theSameRequestWrittenAnotherWayHasTheSameKey(body: String) throws {
        #expect(try Self.key(body) == Self.key(Self.base))
    }

    @Test(arguments: [
        #""max_tokens":5"#, #""stop":["\n"]"#, #""tools":[{"type":"function","function":{"name":"f"}}]"#, #""tool_choice":"none""#,
        #""response_format":{"type":"json_object"}"#, #""seed":7"#, #""top_p":0.5"#, #""n":2"#, #""logprobs":true"#,
        #""presence_penalty":0.1"#, #""reasoning_effort":"low""#,
    ])
    func everyFieldThatChangesTheAnswerChangesTheKey(field: String) throws {
        let changed = Self.base.replacingOccurrences(of: #""temperature":0,"#, with: #""temperature":0,\#(field),"#)
        #expect(try Self.key(changed) != Self.key(Self.base))
    }

    @Test func anOmittedTemperatureIsTheProvidersDefaultOfOneNotZero() throws {
        let omitted = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        let one = #"{"model":"m","temperature":1.0,"messages":[{"role":"user","content":"hi"}]}"#
        let zero = #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi"}]}"#
        for dialect in Dialect.allCases {
            #expect(try Self.key(omitted, dialect: dialect) == Self.key(one, dialect: dialect))
            #expect(try Self.key(omitted, dialect: dialect) != Self.key(zero, dialect: dialect))
        }
    }

    @Test func theScopeTheDialectTheRouteAndTheServedModelEachSeparateAnswers() throws {
        let key = try Self.key(Self.base)
        #expect(try Self.key(Self.base, scope: "team:legal") != key)
        #expect(try Self.key(Self.base, scope: "global") != key)
        #expect(try Self.key(Self.base, dialect: .anthropic) != key)
        #expect(try Self.key(Self.base, route: "responses") != key)
        #expect(try Self.key(Self.base, served: "gpt-4o") != key)
        // A header field cannot leak into its neighbour: the fields are quoted, not joined.
        #expect(try Self.key(Self.base, route: "a", served: "b\",\"c") != Self.key(Self.base, route: "a\",\"b", served: "c"))
    }

    @Test func stringsThatDifferInAnyCodePointHaveDifferentKeys() throws {
        func body(_ content: String) -> String { #"{"temperature":0,"messages":[{"role":"user","content":"\#(content)"}]}"# }
        #expect(try Self.key(body(#"\ud83d\ude00"#)) == Self.key(body("😀")))
        // Lone surrogates stay distinct from each other, from U+FFFD and from their literal text.
        let lone = try Self.key(body(#"\ud800"#))
        #expect(try lone != Self.key(body(#"\ud801"#)))
        #expect(try lone != Self.key(body("\u{FFFD}")))
        #expect(try lone != Self.key(body(#"\\ud800"#)))
        #expect(try Self.key(body(#"a\/b"#)) == Self.key(body("a/b")))
        #expect(try Self.key(body(#"tab\there"#)) == Self.key(body(#"tab\u0009here"#)))
        #expect(try Self.key(body(#"tab\there"#)) != Self.key(body(#"tab\\there"#)))
    }

    @Test(arguments: [("1", "1.0"), ("1", "10e-1"), ("1", "0.1E1"), ("0.2", "2e-1"), ("100", "1e2"), ("-0", "0"), ("0.000", "0")])
    func numbersAreComparedByValue(_ a: String, _ b: String) {
        #expect(CanonicalNumber.text(ArraySlice(a.utf8)) == CanonicalNumber.text(ArraySlice(b.utf8)))
    }

    @Test(arguments: [
        ("1", "2"), ("0.1", "0.10000000000000001"), ("1e400", "1e401"), ("-1", "1"), ("12345678901234567890123", "12345678901234567890124"),
    ])
    func differentNumbersStayDifferent(_ a: String, _ b: String) {
        #expect(CanonicalNumber.text(ArraySlice(a.utf8)) != CanonicalNumber.text(ArraySlice(b.utf8)))
    }

    @Test func aBodyThatIsNotAnObjectHasNoKey() throws {
        #expect(
            ResponseCacheKey(body: try JSONDocument(parsing: Array("[1]".utf8)), dialect: .openai, route: "r", servedModel: "m", scope: "s") == nil)
    }

    @Test(arguments: [
        (#"{"temperature":0}"#, true), (#"{"temperature":0.0,"n":1}"#, true), (#"{}"#, false), (#"{"temperature":null}"#, false),
        (#"{"temperature":0.2}"#, false), (#"{"temperature":0,"n":2}"#, false),
    ])
    func onlyDeterministicSingleAnswersAreCachedByDefault(body: String, eligible: Bool) throws {
        let document = try JSONDocument(parsing: Array(body.utf8))
        #expect((ResponseCacheEligibility(body: document) == .eligible) == eligible)
        if body.contains("0.2") { #expect(ResponseCacheEligibility(body: document, anyTemperature: true) == .eligible) }
    }
}
