import Testing
import TollgateCore

/// Training on data with a known answer: what the router learns and how it chooses its threshold.
@Suite struct LearnedRouterTrainingTests {
    @Test func zebraPromptsGoToTheCheapModelAndOthersToTheStrongOne() throws {
        let examples = RouterFixtures.zebra()
        var options = RouterFixtures.options
        options.target = .relative(1.0)
        let router = try RouterTrainer.train(examples, options: options)
        #expect(router.modelNames == ["cheap", "strong"])
        #expect(router.training?.targetMet == true)
        #expect(router.route(text: RouterFixtures.unseenPrompt(zebra: true)).model == "cheap")
        #expect(router.route(text: RouterFixtures.unseenPrompt(zebra: false)).model == "strong")
        var wrong = 0
        for example in RouterFixtures.zebra(count: 100, seed: 99) {
            let expected = example.text.contains("zebra") ? "cheap" : "strong"
            if router.route(text: example.text).model != expected { wrong += 1 }
        }
        #expect(wrong == 0)

        let cheap = try #require(router.models.first { $0.name == "cheap" })
        #expect(abs(cheap.meanCostUSD - 0.001) < 1e-15)
        #expect(cheap.rows == 240)
        #expect(abs(cheap.accuracy - Double(examples.filter { $0.text.contains("zebra") }.count) / 240) < 1e-12)
    }

    @Test func trainingTwiceGivesTheSameBytes() throws {
        let examples = RouterFixtures.zebra(coin: true)
        let first = try RouterTrainer.train(examples, options: RouterFixtures.options).jsonBytes()
        let second = try RouterTrainer.train(examples, options: RouterFixtures.options).jsonBytes()
        #expect(first == second)
        // The same bits on every machine: the fingerprint of this training is pinned.
        let fingerprint = try LearnedRouter(json: first).fingerprint
        #expect(fingerprint == RouterFixtures.pinnedFingerprint, "this machine trained \(fingerprint)")
    }

    @Test func theChosenThresholdMeetsTheTargetOnTheHeldOutPart() throws {
        let examples = RouterFixtures.zebra(count: 300, coin: true)
        var options = RouterFixtures.options
        options.target = .absolute(0.9)
        let router = try RouterTrainer.train(examples, options: options)
        let summary = try #require(router.training)
        #expect(summary.targetMet)
        #expect(summary.requiredAccuracy == 0.9)
        #expect(summary.heldOut.accuracy >= 0.9)
        // Recompute independently: fit on the part not held out, score every grid threshold on the held-out part.
        let heldOut = examples.filter { $0.unitHash(salt: RouterTrainer.holdoutSalt) < options.holdout }
        let trainPart = examples.filter { $0.unitHash(salt: RouterTrainer.holdoutSalt) >= options.holdout }
        #expect(summary.heldOutRows == heldOut.count)
        let fitted = try RouterTrainer.fit(trainPart, options: options, threshold: 0.5)
        let table = RouterOutcomeTable(examples: heldOut, models: fitted.modelNames)
        let points = RouterTrainer.sweep(fitted, table: table, thresholds: RouterTrainer.thresholdGrid)
        let chosen = try #require(points.first { $0.threshold == router.threshold })
        #expect(chosen.score == summary.heldOut)
        let meeting = points.filter { $0.score.accuracy >= 0.9 }
        #expect(meeting.allSatisfy { $0.score.meanCostUSD >= chosen.score.meanCostUSD })
        // It is cheaper than always using the strong model.
        #expect(summary.heldOut.meanCostUSD < 0.02)
    }

    @Test func anUnreachableTargetTakesTheMostAccurateThresholdAndSaysSo() throws {
        let examples = RouterFixtures.zebra(count: 200)
        var options = RouterFixtures.options
        options.target = .relative(1.2)
        let summary = try #require(try RouterTrainer.train(examples, options: options).training)
        #expect(!summary.targetMet)
        #expect(summary.heldOut.accuracy == 1.0)
        #expect(summary.bestModel == "strong")
    }

    @Test func onlyTheModelsAskedForAreTrained() throws {
        var options = RouterFixtures.options
        options.models = ["strong", "coin"]
        let router = try RouterTrainer.train(RouterFixtures.zebra(coin: true), options: options)
        #expect(router.modelNames == ["strong", "coin"])
        options.models = ["missing"]
        #expect(throws: RouterTrainingError.self) { try RouterTrainer.train(RouterFixtures.zebra(), options: options) }
    }

    @Test func aModelWithoutALabelForAPromptIsSkippedThere() throws {
        var examples = RouterFixtures.zebra(count: 120)
        for i in stride(from: 0, to: examples.count, by: 3) { examples[i].outcomes["cheap"] = nil }
        let router = try RouterTrainer.train(examples, options: RouterFixtures.options)
        #expect(router.models.first { $0.name == "cheap" }?.rows == 80)
        #expect(router.models.first { $0.name == "strong" }?.rows == 120)
    }

    @Test func crossValidationRoutesEachPromptWithARouterThatDidNotSeeIt() throws {
        var options = RouterFixtures.options
        options.target = .relative(1.0)
        let evaluation = try RouterEvaluation.crossValidate(RouterFixtures.zebra(count: 200), folds: 4, options: options, thresholds: [0.5])
        #expect(evaluation.folds == 4)
        #expect(evaluation.chosenThresholds.count == 4)
        #expect(evaluation.prompts == 200)
        let chosen = try #require(evaluation.rows.first { $0.kind == .router })
        #expect(chosen.score.accuracy > 0.97)
        #expect(chosen.score.meanCostUSD < 0.015)
        let oracle = try #require(evaluation.rows.first { $0.kind == .oracle })
        #expect(oracle.score.accuracy == 1.0)
    }
}
