import Testing
import TollgateSimulator

/// What the shared RouterBench train files hold, as the loader reads them.
@Suite struct RouterBenchDataTests {
    @Test func theThreeFilesHold2225Prompts() throws {
        let counts = try RouterBenchFixture.files.map { try RouterBenchFixture.set($0).prompts.count }
        #expect(counts == [1039, 299, 887])
        let all = try RouterBenchFixture.all.get()
        #expect(all.prompts.count == 2225)
        #expect(Set(all.models) == Set(RouterBenchFixture.models))
        #expect(all.models.count == 11)
    }

    @Test func everyRowHasEveryModelsAnswerAndCost() throws {
        let all = try RouterBenchFixture.all.get()
        for prompt in all.prompts {
            #expect(prompt.answers.count == 11, "\(prompt.source) row \(prompt.row)")
            #expect(prompt.answers.values.allSatisfy { ($0.costUSD ?? 0) > 0 }, "\(prompt.source) row \(prompt.row)")
            #expect(!prompt.text.isEmpty)
        }
    }

    /// ARC repeats seven `sample_id`s: one row holds the prompt once, the other holds it twice (two list
    /// elements) and costs about double; only gpt-3.5-turbo-1106 is labelled on the doubled rows and only
    /// the other ten models on their single twins. No prompt text repeats.
    @Test func arcRepeatsSevenSampleIDsWithDifferentPrompts() throws {
        let arc = try RouterBenchFixture.set("arc_challenge_train.csv")
        #expect(arc.duplicates.count == 7)
        #expect(arc.duplicates.allSatisfy { $0.key == .sampleID })
        for duplicate in arc.duplicates {
            let pair = arc.prompts.filter { $0.sampleID == duplicate.sampleID }
            #expect(pair.count == 2)
            let (single, doubled) = pair[0].text.count < pair[1].text.count ? (pair[0], pair[1]) : (pair[1], pair[0])
            #expect(doubled.text == single.text + "\n" + single.text)
            #expect(doubled.answers["gpt-3.5-turbo-1106"]?.score != nil)
            #expect(single.answers["gpt-3.5-turbo-1106"]?.score == nil)
            #expect(doubled.answers["claude-v2"]?.score == nil)
            #expect(arc.prompt(sampleID: duplicate.sampleID)?.row == duplicate.keptRow)
        }
        for file in ["mbpp_train.csv", "winograde_train.csv"] {
            #expect(try RouterBenchFixture.set(file).duplicates.isEmpty)
        }
    }

    @Test func onlyArcHasUnlabelledAnswers() throws {
        func unlabelled(_ file: String) throws -> Int {
            try RouterBenchFixture.set(file).prompts.reduce(0) { $0 + $1.answers.values.filter { $0.score == nil }.count }
        }
        #expect(try unlabelled("arc_challenge_train.csv") == 92)
        #expect(try unlabelled("mbpp_train.csv") == 0)
        #expect(try unlabelled("winograde_train.csv") == 0)
    }

    @Test func gatewayNamesResolveToRecordedModels() throws {
        let all = try RouterBenchFixture.all.get()
        #expect(all.resolveModel("mixtral-8x7b-chat") == "mistralai/mixtral-8x7b-chat")
        #expect(all.resolveModel("mistralai-mixtral-8x7b-chat") == "mistralai/mixtral-8x7b-chat")
        #expect(all.resolveModel("yi-34b-chat") == "zero-one-ai/Yi-34B-Chat")
        #expect(all.resolveModel("llama-2-70b-chat") == "meta/llama-2-70b-chat")
        for model in RouterBenchFixture.models {
            #expect(all.resolveModel(model) == model)
            #expect(ReplayPrice.routerBench(model: model) != nil)
        }
    }
}
