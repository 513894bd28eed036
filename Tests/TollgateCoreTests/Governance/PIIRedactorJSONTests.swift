import Foundation
import Testing
import TollgateCore

/// Redaction inside JSON string values.
@Suite struct PIIRedactorJSONTests {
    let redactor = PIIRedactor()

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Parses output with Foundation, proving it is valid JSON.
    func parse(_ body: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    func content(_ body: [UInt8]) throws -> String? {
        let object = try #require(try parse(body) as? [String: Any])
        let messages = try #require(object["messages"] as? [[String: Any]])
        return messages.first?["content"] as? String
    }

    @Test func redactsStringValuesAndLeavesTheRestByteIdentical() throws {
        let body =
            #"{"model":"gpt-4o","max_tokens":1024,"temperature":0.7,"messages":[{"role":"user","content":"Reach me at jane.roe@example.com or 415-555-2671"}],"stream":true,"stop":null}"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        let expected =
            #"{"model":"gpt-4o","max_tokens":1024,"temperature":0.7,"messages":[{"role":"user","content":"Reach me at [REDACTED_EMAIL] or [REDACTED_PHONE]"}],"stream":true,"stop":null}"#
        #expect(String(decoding: result.body, as: UTF8.self) == expected)
        #expect(result.counts == ["email": 1, "phone": 1])
        #expect(try content(result.body) == "Reach me at [REDACTED_EMAIL] or [REDACTED_PHONE]")
    }

    @Test func nothingFoundReturnsNil() {
        let body = #"{"model":"gpt-4o","max_tokens":4096,"messages":[{"role":"user","content":"What happened in 1969? Answer in 3 sentences."}]}"#
        #expect(redactor.redactJSON(bytes(body)) == nil)
        #expect(redactor.redactJSON(bytes("[]")) == nil)
        #expect(redactor.redactJSON(bytes("4111111111111111")) == nil)  // a number, not a string
    }

    @Test func keysAreNotRedacted() throws {
        #expect(redactor.redactJSON(bytes(#"{"john@example.com": 1, "415-555-2671": {"4111111111111111": []}}"#)) == nil)
        let result = try #require(redactor.redactJSON(bytes(#"{"john@example.com": "john@example.com"}"#)))
        #expect(String(decoding: result.body, as: UTF8.self) == #"{"john@example.com": "[REDACTED_EMAIL]"}"#)
    }

    @Test func escapedContentIsDecodedForDetection() throws {
        // \u0040 is "@"; \u0034 is "4".
        let body = #"{"messages":[{"content":"mail john\u0040example.com, card \u0034111111111111111"}]}"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(result.counts == ["email": 1, "card": 1])
        #expect(try content(result.body) == "mail [REDACTED_EMAIL], card [REDACTED_CARD]")
    }

    @Test func escapesAroundMatchesArePreserved() throws {
        let body = #"{"messages":[{"content":"He said \"call 415-555-2671\"\n\tthanks \ud83d\ude00 \\ \/ é"}]}"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(
            String(decoding: result.body, as: UTF8.self)
                == #"{"messages":[{"content":"He said \"call [REDACTED_PHONE]\"\n\tthanks \ud83d\ude00 \\ \/ é"}]}"#)
        #expect(try content(result.body) == "He said \"call [REDACTED_PHONE]\"\n\tthanks 😀 \\ / é")
    }

    @Test func surrogatePairsAndUnicodeNextToMatches() throws {
        let body = #"{"messages":[{"content":"\ud83d\ude00 jörg@bücher.de\u00e9 😀 +49 30 1234567 ☎️ (415) 555-2671"}]}"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(result.counts == ["phone": 2])  // "deé" is not a top-level domain
        #expect(try content(result.body) == "😀 jörg@bücher.deé 😀 [REDACTED_PHONE] ☎️ [REDACTED_PHONE]")
        let spaced = #"{"messages":[{"content":"\ud83d\ude00jörg@bücher.de \u00e9"}]}"#
        let other = try #require(redactor.redactJSON(bytes(spaced)))
        #expect(try content(other.body) == "😀[REDACTED_EMAIL] é")
    }

    @Test func multipleMatchesAcrossStringsAreCounted() throws {
        let body = """
            {"messages":[
              {"role":"system","content":"Customer: a@example.com"},
              {"role":"user","content":["b@example.com", "SSN 123-45-6789", {"text": "IBAN DE89 3704 0044 0532 0130 00"}]},
              {"role":"user","content":"call 415-555-2671 or 415-555-2672 about 4111 1111 1111 1111"}
            ]}
            """
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(result.counts == ["email": 2, "ssn": 1, "iban": 1, "phone": 2, "card": 1])
        let text = String(decoding: result.body, as: UTF8.self)
        #expect(text.contains(#""SSN [REDACTED_SSN]""#))
        #expect(text.contains(#"{"text": "IBAN [REDACTED_IBAN]"}"#))
        _ = try parse(result.body)
    }

    @Test func customPatternNamesAreEscapedInJSON() throws {
        let redactor = PIIRedactor(patterns: [try PIIRedactor.Pattern(name: "q\"id\\x", regex: "ID-[0-9]+")])
        let result = try #require(redactor.redactJSON(bytes(#"{"content":"see ID-42 and ID-7"}"#)))
        #expect(result.counts == ["q\"id\\x": 2])
        let object = try #require(try parse(result.body) as? [String: String])
        #expect(object["content"] == "see [REDACTED_Q\"ID\\X] and [REDACTED_Q\"ID\\X]")
    }

    @Test func customPatternsSeeDecodedText() throws {
        let redactor = PIIRedactor(kinds: [], patterns: [try PIIRedactor.Pattern(name: "code", regex: "AB-[0-9]{2}")])
        let result = try #require(redactor.redactJSON(bytes(#"["x \u0041B-12 y"]"#)))
        #expect(String(decoding: result.body, as: UTF8.self) == #"["x [REDACTED_CODE] y"]"#)
    }

    @Test(arguments: [
        #"{"a":"john@example.com""#,  // unterminated object
        #"{"a":"john@example.com",}"#,  // trailing comma
        #"{"a" "john@example.com"}"#,  // missing colon
        #"["john@example.com" "x"]"#,  // missing comma
        #"["john@example.com", tru]"#,  // bad literal
        #"["john@example.com", 01]"#,  // leading zero
        #"["john@example.com", 1.]"#,  // bad number
        #"["john@example.com\x"]"#,  // bad escape
        #"["john@example.com\u12G4"]"#,  // bad unicode escape
        "[\"john@example.com\n\"]",  // raw control character
        #"["john@example.com"] ["x"]"#,  // two documents
        #"["john@example.com"}"#,  // mismatched bracket
        "",
    ])
    func invalidJSONReturnsNil(body: String) {
        #expect(redactor.redactJSON(bytes(body)) == nil)
    }

    @Test func validJSONShapesAreAccepted() throws {
        let body = #" { "a" : [ -1.5e+3 , 0 , true , false , null , { } , [ ] , "x@example.com" ] } "#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(
            String(decoding: result.body, as: UTF8.self) == #" { "a" : [ -1.5e+3 , 0 , true , false , null , { } , [ ] , "[REDACTED_EMAIL]" ] } "#)
        let top = try #require(redactor.redactJSON(bytes(#""x@example.com""#)))
        #expect(String(decoding: top.body, as: UTF8.self) == #""[REDACTED_EMAIL]""#)
    }

    @Test func otherStringsStayByteIdentical() throws {
        let body = #"{"a":"caf\u00e9\n\/\t","b":"x@example.com","c":["\ud800 lone", "+1 (415) 555-2671 \ud800"],"d":"1234567 is not a phone"}"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(
            String(decoding: result.body, as: UTF8.self)
                == #"{"a":"caf\u00e9\n\/\t","b":"[REDACTED_EMAIL]","c":["\ud800 lone", "[REDACTED_PHONE] \ud800"],"d":"1234567 is not a phone"}"#)
        #expect(result.counts == ["email": 1, "phone": 1])
    }

    @Test func deepNestingIsWalkedWithoutRecursion() throws {
        let depth = 20_000
        let body = String(repeating: "[", count: depth) + #""a@example.com""# + String(repeating: "]", count: depth)
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(result.counts == ["email": 1])
        #expect(redactor.redactJSON(bytes(String(repeating: "[", count: depth) + #""a@example.com""#)) == nil)
    }

    @Test func preScanSeesDigitsThroughSeparatorsAndEscapes() throws {
        // The phone's digits are split by separators, and one of them is escaped.
        let body = #"["call (415) 555-\u00326\u00371 now", "SSN 078-05-1120"]"#
        let result = try #require(redactor.redactJSON(bytes(body)))
        #expect(String(decoding: result.body, as: UTF8.self) == #"["call [REDACTED_PHONE] now", "SSN [REDACTED_SSN]"]"#)
    }

    @Test func largeChatBodyWithoutPIIIsUntouched() throws {
        var messages: [String] = []
        for i in 0..<40 {
            messages.append(#"{"role":"user","content":"Paragraph \#(i): the quick brown fox jumps over the lazy dog, version 2.\#(i) of 2026."}"#)
        }
        let body = #"{"model":"gpt-4o-mini","max_tokens":2048,"messages":[\#(messages.joined(separator: ","))]}"#
        #expect(body.utf8.count > 4_000)
        #expect(redactor.redactJSON(bytes(body)) == nil)
    }
}
