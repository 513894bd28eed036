import Foundation
import Testing
import TollgateCore

/// Random documents written by Foundation: redacting the JSON must give, string by string,
/// what redacting each decoded string as plain text gives, and always valid JSON.
@Suite struct PIIRedactorPropertyTests {
    static let pieces = [
        "hello ", "a@example.com", " ", "415-555-2671", "\"", "\\", "\n", "\t", "é", "😀", "/", "\u{1}", "4111 1111 1111 1111",
        "DE89 3704 0044 0532 0130 00", "123-45-6789", "2026-11-26", "+44 20 7946 0958", "EMP-123456", "x", "7", "-", ".",
    ]

    @Test func jsonRedactionAgreesWithTextRedaction() throws {
        let redactor = PIIRedactor(patterns: [try PIIRedactor.Pattern(name: "employee_id", regex: "EMP-[0-9]{6}")])
        var rng = SplitMix64(seed: 42)
        var redactedDocuments = 0
        for _ in 0..<300 {
            var strings: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                strings.append((0..<Int.random(in: 0...8, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined())
            }
            let document: [String: Any] = ["model": "m", "n": 123_456_789, "messages": strings.map { ["role": "user", "content": $0] }]
            let body = Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]))
            let expected = strings.map { redactor.redact($0) }
            let expectedCounts = expected.reduce(into: [String: Int]()) { total, result in
                total.merge(result.counts, uniquingKeysWith: +)
            }
            guard let result = redactor.redactJSON(body) else {
                #expect(expectedCounts.isEmpty, "\(strings)")
                continue
            }
            redactedDocuments += 1
            #expect(result.counts == expectedCounts, "\(strings)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any])
            let messages = try #require(parsed["messages"] as? [[String: String]])
            #expect(messages.map { $0["content"] } == expected.map(\.text), "\(strings)")
            #expect(parsed["n"] as? Int == 123_456_789)
        }
        #expect(redactedDocuments > 200)
    }
}
