import Foundation
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationChoicesTests {
    private func prompt(_ extra: String, content: String = "Tell me something") throws -> SimulatedPrompt {
        try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", content)], extra: extra))
    }

    @Test func nChoicesAreDeterministicDistinctAndIndexed() throws {
        let prompt = try prompt(",\"n\":4")
        #expect(prompt.choiceCount == 4)
        let choices = SimulatedCompletion.choices(for: prompt)
        #expect(choices.map(\.index) == [0, 1, 2, 3])
        #expect(Set(choices.map(\.text)).count == 4)
        #expect(choices == SimulatedCompletion.choices(for: prompt))
        // Choice 0 is the answer a request without `n` gets.
        #expect(choices[0] == SimulatedCompletion(prompt: try self.prompt("")))
        for choice in choices {
            #expect(Int64(choice.outputTokens) == TokenEstimator.tokens(in: choice.text))
        }
    }

    @Test(arguments: [0, 129, -1])
    func nOutsideOneTo128IsRejected(n: Int) throws {
        let error = #expect(throws: SimulationInputError.self) { try prompt(",\"n\":\(n)") }
        #expect(error?.param == "n")
        #expect(error?.message.contains("Invalid 'n'") == true)
    }

    @Test func nDefaultsToOneAndAcceptsTheBounds() throws {
        #expect(try prompt("").choiceCount == 1)
        #expect(try prompt(",\"n\":1").choiceCount == 1)
        #expect(try prompt(",\"n\":128").choiceCount == 128)
    }

    @Test func streamInterleavesChoicesWithOwnFinishChunks() throws {
        let prompt = try prompt(",\"n\":3,\"stream\":true", content: "[[sim:tokens=4]]")
        let choices = SimulatedCompletion.choices(for: prompt)
        let stream = SimulationRenderer.openAIChatStream(
            id: "c", created: 1, model: "m", choices: choices, usage: TokenUsage(output: 12), includeUsage: true)
        #expect(stream.head.count == 3)
        #expect(stream.tokens.count == 12)
        // finish ×3, usage, [DONE]
        #expect(stream.tail.count == 5)
        var texts = ["", "", ""]
        for event in stream.tokens {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any])
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            let index = try #require(choice["index"] as? Int)
            texts[index] += try #require((choice["delta"] as? [String: Any])?["content"] as? String)
        }
        #expect(texts == choices.map(\.text))
        for index in 0..<3 {
            #expect(stream.tail[index].contains("{\"index\":\(index),\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}"))
        }
        #expect(stream.tail[3].contains("\"choices\":[],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":12,"))
    }
}
