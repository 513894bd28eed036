import Testing
import TollgateCore

@testable import TollgateProviders

/// The decoded length of a string, counted without decoding, is the length of its decoding.
@Suite struct JSONStringDecoderTests {
    static let pieces = [
        "a", "é", "😀", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\t"#, #"\b"#, #"\u0041"#, #"\u00e9"#, #"\u20ac"#, #"\ud83d\ude00"#, #"\ud83d"#,
        #"\ude00"#, #"\ud83dx"#, #"\ud83d\u0041"#, #"\u0000"#, " ",
    ]

    @Test func theCountedLengthIsTheDecodedLength() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let text = (0..<random.below(12)).map { _ in Self.pieces[random.below(Self.pieces.count)] }.joined()
            let raw = ArraySlice(Array(text.utf8))
            #expect(JSONStringDecoder.decodedCount(raw) == JSONStringDecoder.decode(raw).count, "\(text)")
        }
    }

    @Test func escapesDecodeAsBefore() {
        let raw = ArraySlice(Array(#"a\"b\\c\/d\n\u00e9\ud83d\ude00\ud83d!"#.utf8))
        #expect(String(decoding: JSONStringDecoder.decode(raw), as: UTF8.self) == "a\"b\\c/d\né😀\u{FFFD}!")
        #expect(JSONStringDecoder.decode(ArraySlice(Array(#"ends\"#.utf8))) == Array(#"ends\"#.utf8))
    }
}
