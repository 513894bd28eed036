import Foundation
import Testing
import TollgateCore

/// Reading training rows from JSON Lines.
@Suite struct RouterExampleJSONLTests {
    func parse(_ lines: [String]) throws(RouterDataError) -> [RouterExample] {
        try RouterExample.examples(jsonl: Array(lines.joined(separator: "\n").utf8), source: "rows.jsonl")
    }

    func failure(_ lines: [String]) -> RouterDataError? {
        do {
            _ = try parse(lines)
            return nil
        } catch {
            return error
        }
    }

    static let good = #"{"prompt": "What is 2+2?", "model": "a", "correct": true, "cost_usd": 0.001, "id": "q1"}"#

    @Test func rowsOfOnePromptAreOneExample() throws {
        let examples = try parse([
            Self.good,
            #"{"prompt": "What is 2+2?", "model": "b", "correct": 0, "cost_usd": 0.01, "id": "q1", "response": "5"}"#,
            "",
            #"{"prompt": "Name a colour.", "model": "a", "correct": 1, "cost_usd": 2e-4, "task": "trivia"}"#,
            #"{"prompt": "Name a colour.", "model": "b", "correct": false, "cost_usd": 0}"#,
        ])
        #expect(examples.count == 2)
        #expect(examples[0].sampleID == "q1")
        #expect(examples[0].outcomes == ["a": .init(correct: true, costUSD: 0.001), "b": .init(correct: false, costUSD: 0.01)])
        #expect(examples[1].sampleID.hasPrefix("text-"))
        #expect(examples[1].task == "trivia")
        #expect(examples[1].outcomes["a"] == .init(correct: true, costUSD: 0.0002))
    }

    @Test func errorsNameTheLine() {
        let cases: [([String], Int, String)] = [
            ([Self.good, "{not json"], 2, "not valid JSON"),
            ([Self.good, "", "[1]"], 3, "expected a JSON object"),
            ([#"{"model": "a", "correct": true, "cost_usd": 1}"#], 1, "'prompt' is missing"),
            ([#"{"prompt": "p", "model": "", "correct": true, "cost_usd": 1}"#], 1, "'model' must be a non-empty string"),
            ([#"{"prompt": "p", "model": "a", "correct": "yes", "cost_usd": 1}"#], 1, "'correct' must be true, false, 1 or 0"),
            ([#"{"prompt": "p", "model": "a", "correct": 2, "cost_usd": 1}"#], 1, "'correct' must be"),
            ([#"{"prompt": "p", "model": "a", "correct": true, "cost_usd": -1}"#], 1, "'cost_usd' must be a number of USD, at least 0"),
            ([#"{"prompt": "p", "model": "a", "correct": true}"#], 1, "'cost_usd' is missing"),
            ([Self.good, Self.good], 2, "a second row for model 'a' on this prompt (the first is line 1)"),
            ([Self.good, #"{"prompt": "Other", "model": "b", "correct": true, "cost_usd": 1, "id": "q1"}"#], 2, "different prompt on line 1"),
            ([#"{"prompt": "p", "model": "a", "correct": true, "cost_usd": 1, "id": [1]}"#], 1, "'id' must be a string or a number"),
        ]
        for (lines, line, reason) in cases {
            let error = failure(lines)
            #expect(error?.line == line, "\(lines)")
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error)) should say \(reason)")
            #expect(error?.description.hasPrefix("rows.jsonl line \(line): ") == true)
        }
    }

    @Test func windowsLineEndingsAndAByteOrderMarkAreAccepted() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array((Self.good + "\r\n" + Self.good.replacingOccurrences(of: "\"a\"", with: "\"b\"") + "\r\n").utf8)
        let examples = try RouterExample.examples(jsonl: bytes, source: "rows.jsonl")
        #expect(examples.count == 1)
        #expect(examples[0].outcomes.count == 2)
    }

    @Test func mergingKeepsTheFirstTextAndAddsMissingModels() {
        let first = RouterExample(sampleID: "x", text: "one", outcomes: ["a": .init(correct: true, costUSD: 1)])
        let second = RouterExample(
            sampleID: "x", text: "one\none", outcomes: ["a": .init(correct: false, costUSD: 2), "b": .init(correct: true, costUSD: 3)])
        let merged = RouterExample.merged([first, second])
        #expect(merged.count == 1)
        #expect(merged[0].text == "one")
        #expect(merged[0].outcomes == ["a": .init(correct: true, costUSD: 1), "b": .init(correct: true, costUSD: 3)])
    }
}
