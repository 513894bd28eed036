import Testing
import TollgateCore

/// The strategies a router is compared with, on a table small enough to check by hand.
@Suite struct RouterEvaluationTests {
    static func example(_ id: String, _ a: (Bool, Double), _ b: (Bool, Double)) -> RouterExample {
        RouterExample(sampleID: id, text: id, outcomes: ["a": .init(correct: a.0, costUSD: a.1), "b": .init(correct: b.0, costUSD: b.1)])
    }

    static let examples = [
        example("p1", (true, 1), (true, 10)),
        example("p2", (false, 1), (true, 10)),
        example("p3", (false, 2), (false, 20)),
        example("p4", (true, 1), (false, 10)),
        RouterExample(sampleID: "p5", text: "p5", outcomes: ["a": .init(correct: true, costUSD: 1)]),
    ]

    @Test func theOracleTakesTheCheapestCorrectModelAndTheCheapestWhenNoneIs() {
        let table = RouterOutcomeTable(examples: Self.examples, models: ["a", "b"])
        #expect(table.count == 4)
        #expect(table.skipped == 1)
        #expect(table.oracle() == [0, 1, 0, 0])
        #expect(table.score(table.oracle()) == RouterScore(accuracy: 0.75, meanCostUSD: 14.0 / 4))
        #expect(table.cheapest() == 0)
        #expect(table.mostAccurate() == 0)  // both 50%: the cheaper
    }

    @Test func anEvaluationListsEveryStrategy() throws {
        let router = try LearnedRouter(
            features: RouterFeatureSettings(bucketBits: 10),
            models: [
                .init(name: "a", meanCostUSD: 1, accuracy: 0.5, rows: 4, bias: 0, weights: RouterWeights()),
                .init(name: "b", meanCostUSD: 10, accuracy: 0.5, rows: 4, bias: 3, weights: RouterWeights()),
            ],
            threshold: 0.9)
        let evaluation = RouterEvaluation.evaluate(router, examples: Self.examples, thresholds: [0.4])
        #expect(
            evaluation.rows.map(\.name) == [
                "a", "b", "oracle", "always cheapest (a)", "always most accurate (a)", "router @ 0.90 (file)", "router @ 0.40",
            ])
        let file = evaluation.rows[5]
        #expect(file.shares == [0, 1])  // a: 0.5 < 0.9; b: 0.95 ≥ 0.9
        #expect(file.score == RouterScore(accuracy: 0.5, meanCostUSD: 12.5))
        #expect(evaluation.rows[6].shares == [1, 0])
        #expect(evaluation.costShare(file) == 12.5 / 1.25)
        #expect(evaluation.totalCostUSD(file) == 50)
    }
}
