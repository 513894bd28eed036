import Testing
import TollgateSimulator

@Suite struct RecordingSetTests {
    /// Two models (one with a `/` in its name), a two-element prompt, an unlabelled answer, a repeated
    /// `sample_id` (row 3) and a repeated prompt (row 4).
    static let csv = #"""
        ,sample_id,prompt,eval_name,org/model-a,b,org/model-a|model_response,b|model_response,org/model-a|total_cost,b|total_cost,oracle_model_to_route_to
        0,s1,"['What is 2+2?']",toy,1.0,0.0,"['4']","['5']",0.001,0.002,org/model-a
        1,s2,"['Line one', 'line two']",toy,,1.0,"['x\n']","[""it's, \""quoted\""""]",0.003,0.004,b
        2,s1,"['  What is 3+3?  ']",toy,0.0,1.0,"['6']","['7']",0.005,0.006,
        3,s3,"['What is 2+2?']",toy,1.0,1.0,"['four']","['4']",0.007,0.008,b

        """#

    @Test func looksUpAnswersByModelAndTrimmedPrompt() throws {
        let set = try RecordingSet(csv: Self.csv, source: "toy.csv")
        #expect(set.prompts.count == 4)
        #expect(set.models == ["org/model-a", "b"])
        let answer = try #require(set.answer(model: "org/model-a", prompt: " What is 2+2?\n"))
        #expect(answer.response == "4")
        #expect(answer.correct == true)
        #expect(answer.correctnessLabel == "1")
        #expect(answer.costUSD == 0.001)
        #expect(answer.costNanoUSD == 1_000_000)
        #expect(set.answer(model: "b", prompt: "What is 2+2?")?.correctnessLabel == "0")
        #expect(set.answer(model: "org/model-a", prompt: "What is 3+3?")?.response == "6")
        #expect(set.answer(model: "org/model-a", prompt: "What is 5+5?") == nil)
        #expect(set.prompt(matching: "What is 2+2?")?.oracleModel == "org/model-a")
        #expect(set.prompt(matching: "What is 3+3?")?.oracleModel == nil)
    }

    @Test func joinsListElementsAndDecodesEscapes() throws {
        let set = try RecordingSet(csv: Self.csv, source: "toy.csv")
        let prompt = try #require(set.prompt(matching: "Line one\nline two"))
        #expect(prompt.sampleID == "s2")
        #expect(prompt.evalName == "toy")
        #expect(prompt.source == "toy.csv")
        #expect(prompt.row == 2)
        let unlabelled = try #require(prompt.answers["org/model-a"])
        #expect(unlabelled.response == "x\n")
        #expect(unlabelled.score == nil)
        #expect(unlabelled.correctnessLabel == "unlabelled")
        #expect(prompt.answers["b"]?.response == "it's, \"quoted\"")
    }

    @Test func resolvesDerivedNamesAndAliases() throws {
        var set = try RecordingSet(csv: Self.csv, source: "toy.csv")
        #expect(set.resolveModel("org/model-a") == "org/model-a")
        #expect(set.resolveModel("org-model-a") == "org/model-a")
        #expect(set.resolveModel("model-a") == "org/model-a")
        #expect(set.resolveModel("MODEL-A") == "org/model-a")
        #expect(set.resolveModel("gpt-4o") == nil)
        set.aliases = ["alpha": "model-a", "beta": "b"]
        #expect(set.resolveModel("alpha") == "org/model-a")
        #expect(set.answer(model: "beta", prompt: "What is 3+3?")?.response == "7")
    }

    @Test func firstRowKeepsARepeatedKey() throws {
        let set = try RecordingSet(csv: Self.csv, source: "toy.csv")
        #expect(set.duplicates.count == 2)
        let sampleID = try #require(set.duplicates.first)
        #expect(sampleID.key == .sampleID)
        #expect(sampleID.sampleID == "s1")
        #expect((sampleID.keptRow, sampleID.droppedRow) == (1, 3))
        let prompt = try #require(set.duplicates.last)
        #expect(prompt.key == .prompt)
        #expect((prompt.keptRow, prompt.droppedRow, prompt.sampleID) == (1, 4, "s3"))
        #expect(set.answer(model: "b", sampleID: "s1")?.response == "5")
        #expect(set.answer(model: "b", sampleID: "s3")?.response == "4")
        #expect(set.answer(model: "org/model-a", prompt: "What is 2+2?")?.response == "4")
    }

    @Test func laterFilesComeAfterEarlierOnes() throws {
        var set = try RecordingSet(csv: Self.csv, source: "first.csv")
        try set.add(csv: Self.csv, source: "second.csv")
        #expect(set.prompts.count == 8)
        #expect(set.models == ["org/model-a", "b"])
        #expect(set.duplicates.count == 2 + 4 * 2)
        #expect(set.prompt(sampleID: "s2")?.source == "first.csv")
        #expect(set.duplicates.last.map { ($0.keptSource, $0.droppedSource) } ?? ("", "") == ("first.csv", "second.csv"))
    }

    @Test(
        arguments: [
            ("id,prompt,m|model_response\n1,x,y", nil as Int?),
            ("sample_id,prompt,m\n1,x,1.0", nil),
            ("sample_id,prompt,m|model_response\n1,x", 1),
            ("sample_id,prompt,m,m|model_response\n1,x,yes,y", 1),
            ("sample_id,prompt,m|model_response,m|total_cost\n1,x,y,-0.5", 1),
            ("sample_id,prompt,m|model_response\n1,x,y\n2,\"['open\",y", 2),
            ("sample_id,prompt,m|model_response\n1,x,\"['a'] b\"", 1),
            ("sample_id,prompt,m|model_response\n1,\"x\"y,z", nil),
            ("", nil),
        ] as [(String, Int?)])
    func refusesMalformedFiles(text: String, row: Int?) {
        #expect {
            _ = try RecordingSet(csv: text, source: "bad.csv")
        } throws: { error in
            guard let error = error as? RecordingSetError else { return false }
            return error.source == "bad.csv" && error.row == row
        }
    }

    @Test func plainCellsAreTakenAsWritten() throws {
        let set = try RecordingSet(csv: "sample_id,prompt,m|model_response\n1,  plain prompt ,plain answer\n", source: "plain.csv")
        #expect(set.answer(model: "m", prompt: "plain prompt")?.response == "plain answer")
        #expect(set.answer(model: "m", prompt: "plain prompt")?.costUSD == nil)
    }
}
