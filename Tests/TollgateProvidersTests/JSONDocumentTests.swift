import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// The gateway's JSON reader against Foundation's full parser, over generated documents in every
/// whitespace, escape and number spelling.
@Suite struct JSONDocumentTests {
    private func foundation(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test func validDocumentsReadAsFoundationReadsThem() throws {
        var generator = JSONGenerator(random: SplitMix64(seed: 0x5EED_0001))
        var style = JSONStyle(random: SplitMix64(seed: 0x5EED_0002))
        var compared = 0
        for _ in 0..<4_000 {
            let text = style.write(generator.value())
            let document = try JSONDocument(parsing: Array(text.utf8))
            guard let reference = foundation(text) else {
                // Foundation refuses numbers beyond Double's range; RFC 8259 allows them.
                #expect(Self.foundationDeviates(text, accepted: false), "Foundation refused a document the reader accepts: \(text)")
                continue
            }
            #expect(TreeView.same(TreeView.build(document.root), reference), "disagree on \(text)")
            compared += 1
        }
        #expect(compared > 3_000)
    }

    @Test func invalidDocumentsAreRefusedAsFoundationRefusesThem() {
        var generator = JSONGenerator(random: SplitMix64(seed: 0x5EED_0003))
        var style = JSONStyle(random: SplitMix64(seed: 0x5EED_0004))
        var random = SplitMix64(seed: 0x5EED_0005)
        let junk: [UInt8] = Array(",:{}[]\"\\0-1e.tfn x\u{1}".utf8) + [0xFF, 0xC0]
        var refused = 0
        for _ in 0..<6_000 {
            var bytes = Array(style.write(generator.value(depth: 1)).utf8)
            let at = Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 3 {
            case 0: if at < bytes.count { bytes.remove(at: at) }
            case 1: bytes.insert(junk[Int(random.next() % UInt64(junk.count))], at: at)
            default: bytes = Array(bytes.prefix(at))
            }
            let ours = (try? JSONDocument(parsing: bytes)) != nil
            let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            let text = String(decoding: bytes, as: UTF8.self)
            if ours != theirs, Self.foundationDeviates(text, accepted: theirs) { continue }
            #expect(ours == theirs, "reader \(ours ? "accepts" : "refuses"), Foundation \(theirs ? "accepts" : "refuses"): \(text)")
            if !ours { refused += 1 }
        }
        #expect(refused > 1_000)
    }

    /// Where Foundation departs from RFC 8259 (and from Python's `json`, which providers run): it
    /// refuses numbers beyond Double's range and unpaired surrogate escapes, which the RFC's grammar
    /// allows, and accepts a comma before `]`.
    static func foundationDeviates(_ text: String, accepted: Bool) -> Bool {
        if accepted { return text.range(of: #",\s*\]"#, options: .regularExpression) != nil }
        return text.range(of: #"[0-9][eE][+-]?[0-9]{3,}"#, options: .regularExpression) != nil
            || text.range(of: #"\\u[dD][89a-fA-F]"#, options: .regularExpression) != nil
    }

    @Test(arguments: [
        "{\"a\":1,}", "[1,]", "{\"a\" 1}", "01", "-", "1.", ".5", "1e", "+1", "\"\u{1}\"", "\"\\x\"", "\"\\u12\"", "[1 2]",
        "{\"a\":1}}", "nul", "tru", "{'a':1}", "[1]x", "", "  ", "{\"a\":1", "\"abc",
    ])
    func refusesWhatRFC8259Forbids(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONDocument(parsing: Array(text.utf8)) }
    }

    @Test func refusesInvalidUTF8AndExcessiveNesting() {
        #expect(throws: JSONSyntaxError.self) { try JSONDocument(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONDocument(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }  // an encoded surrogate
        #expect(throws: JSONSyntaxError.self) {
            try JSONDocument(parsing: Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8))
        }
        #expect((try? JSONDocument(parsing: Array((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8))) != nil)
    }

    @Test func keysAreComparedByTheirDecodedText() throws {
        let document = try JSONDocument(parsing: Array(#"{"mod\u0065l" : "a", "model":"b", "m\/x": 1}"#.utf8))
        #expect(document.root["model"]?.string == "b")
        #expect(document.root.repeatedKey(among: ["model"]) == "model")
        #expect(document.root["m/x"]?.integer == 1)
        #expect(document.root["absent"] == nil)
    }

    @Test(arguments: [
        ("20", JSONNumber.integer(20)), ("20.0", .integer(20)), ("2e1", .integer(20)), ("2E+1", .integer(20)), ("200e-1", .integer(20)),
        ("-0", .integer(0)), ("0.0e5", .integer(0)), ("1.5", .fraction(negative: false)), ("-2.5e-1", .fraction(negative: true)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .tooLarge(negative: false)), ("-1e30", .tooLarge(negative: true)), ("1e999999999", .tooLarge(negative: false)),
    ])
    func numbersAreReadExactly(literal: String, expected: JSONNumber) throws {
        #expect(try JSONDocument(parsing: Array(literal.utf8)).root.number == expected)
    }

    @Test func stringsDecodeEveryEscape() throws {
        let document = try JSONDocument(parsing: Array(#"["a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00", "plain é"]"#.utf8))
        let items = document.root.elements
        #expect(items[0].string == "a\"b\\c/d\u{8}\u{c}\n\r\té😀")
        #expect(items[0].stringByteCount == "a\"b\\c/d\u{8}\u{c}\n\r\té😀".utf8.count)
        #expect(items[1].stringByteCount == "plain é".utf8.count)
    }

    @Test func editsReplaceValuesInPlaceAndInsertMembersFirst() throws {
        let text = #"{ "b" : [1, 2],"model" :"x" ,"c":{} }"#
        let document = try JSONDocument(parsing: Array(text.utf8))
        var edits = JSONEdits(document)
        edits.set("model", to: Array(#""y""#.utf8), in: document.root)
        edits.set("new", to: Array("1".utf8), in: document.root)
        let inner = try #require(document.root["c"])
        edits.set("k", to: Array("true".utf8), in: inner)
        #expect(String(decoding: edits.applied(), as: UTF8.self) == #"{"new":1, "b" : [1, 2],"model" :"y" ,"c":{"k":true} }"#)
    }
}
