import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationTokenTests {
    @Test func inputTokensCountEveryTextPieceIncludingSystem() throws {
        // Given: a system message (5 bytes → 2 tokens), a text-part message (8 bytes → 2) and a string (1 byte → 1)
        let json = SimulationFixture.bytes(
            """
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"hello"},
              {"role":"user","content":[{"type":"text","text":"12345678"},{"type":"image_url","image_url":{"url":"x"}}]},
              {"role":"user","content":"z"}]}
            """
        )
        // When
        let prompt = try SimulatedPrompt.openAIChat(json: json)
        // Then
        #expect(prompt.inputTokens == 5)
        #expect(prompt.model == "gpt-4o")
        #expect(prompt.cacheBreakpoints.count == 3)
    }

    @Test func anthropicSystemStringAndBlocksCount() throws {
        let json = SimulationFixture.bytes(
            """
            {"model":"claude-sonnet-4-5","max_tokens":100,"system":[{"type":"text","text":"abcd"}],
             "messages":[{"role":"user","content":"abcdefgh"},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"abc"}]}]}
            """
        )
        let prompt = try SimulatedPrompt.anthropicMessages(json: json)
        #expect(prompt.inputTokens == 1 + 2 + 1)
        #expect(prompt.maxTokens == 100)
        #expect(prompt.dialect == .anthropic)
        #expect(prompt.cacheBreakpoints.isEmpty)
    }

    @Test func sameBodyGivesSameAnswerAndDifferentPromptsVary() throws {
        let first = SimulatedCompletion(prompt: try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", "Hi")])))
        let again = SimulatedCompletion(prompt: try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", "Hi")])))
        #expect(first == again)
        var counts = Set<Int>()
        for index in 0..<200 {
            let prompt = try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", "prompt \(index)")]))
            let completion = SimulatedCompletion(prompt: prompt)
            #expect((16..<64).contains(completion.outputTokens))
            #expect(completion.outputTokens == SimulatedCompletion.naturalTokenCount(textHash: prompt.textHash))
            counts.insert(completion.outputTokens)
        }
        #expect(counts.count > 20)
    }

    @Test func textHashIsFNV1aOfPiecesEachFollowedByNewline() throws {
        let prompt = try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("system", "S"), ("user", "Hi")]))
        #expect(prompt.textHash == FNV1a64.hash("S\nHi\n"))
        #expect(FNV1a64.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test func outputTextEstimatesExactlyItsTokenCount() throws {
        for index in 0..<100 {
            let prompt = try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", "q\(index)")]))
            let completion = SimulatedCompletion(prompt: prompt)
            #expect(TokenEstimator.tokens(in: completion.text) == Int64(completion.outputTokens))
            #expect(completion.pieces.allSatisfy { $0.utf8.count == 4 })
        }
        #expect(SimulatedCompletion.vocabulary.allSatisfy { $0.utf8.count == 4 && !$0.contains("\"") && !$0.contains("\\") })
    }

    @Test(arguments: [("max_tokens", 5), ("max_completion_tokens", 7)])
    func maxTokensCapsAndTruncates(field: String, cap: Int) throws {
        let json = SimulationFixture.openAIChat(messages: [("user", "Hi")], extra: ",\"\(field)\":\(cap)")
        let completion = SimulatedCompletion(prompt: try SimulatedPrompt.openAIChat(json: json))
        #expect(completion.outputTokens == cap)
        #expect(completion.truncated)
        #expect(SimulationRenderer.openAIFinishReason(completion) == "length")
        #expect(SimulationRenderer.anthropicStopReason(completion) == "max_tokens")
    }

    @Test func tokensDirectiveSetsExactCountStillCapped() throws {
        let exact = SimulatedCompletion(
            prompt: try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: [("user", "Say [[sim:tokens=100]] things")]))
        )
        #expect(exact.outputTokens == 100)
        #expect(!exact.truncated)
        let capped = SimulatedCompletion(
            prompt: try SimulatedPrompt.openAIChat(
                json: SimulationFixture.openAIChat(messages: [("user", "[[sim:tokens=100]]")], extra: ",\"max_tokens\":10")
            )
        )
        #expect(capped.outputTokens == 10)
        #expect(capped.truncated)
    }

    @Test(arguments: [
        ("o1", true), ("o3-mini", true), ("o4-mini", true), ("deepseek-reasoner", true), ("gpt-4o", false), ("claude-sonnet-4-5", false),
    ])
    func reasoningModelsReportAQuarterAsReasoning(model: String, reasons: Bool) throws {
        let json = SimulationFixture.openAIChat(model: model, messages: [("user", "[[sim:tokens=41]]")])
        let completion = SimulatedCompletion(prompt: try SimulatedPrompt.openAIChat(json: json))
        #expect(completion.outputTokens == 41)
        #expect(completion.reasoningTokens == (reasons ? 10 : 0))
    }

    @Test func directivesParseAllKeys() {
        var directives = SimulationDirectives()
        directives.scan("before [[sim:fault=rate_limit, count=2,key=abc]] middle [[sim:tokens=3,ttft_ms=50,token_ms=5]] after [[sim:broken")
        #expect(directives.fault == "rate_limit")
        #expect(directives.faultCount == 2)
        #expect(directives.faultKey == "abc")
        #expect(directives.outputTokens == 3)
        #expect(directives.timeToFirstTokenMilliseconds == 50)
        #expect(directives.perTokenMilliseconds == 5)
        var none = SimulationDirectives()
        none.scan("no directives [here] [[simulated]]")
        #expect(none.isEmpty)
    }
}
