import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationCacheTests {
    private func openAI(_ messages: [(String, String)]) throws -> SimulatedPrompt {
        try SimulatedPrompt.openAIChat(json: SimulationFixture.openAIChat(messages: messages))
    }

    @Test func openAIRepeatedLongPrefixIsCachedInMultiplesOf128() throws {
        let cache = PromptCacheSimulator()
        // Given: a 1,300-token system prompt and a short question
        let prompt = try openAI([("system", SimulationFixture.text(tokens: 1300)), ("user", "What now?")])
        // When / Then: the first time nothing is cached, the second time 1,280 tokens are
        let first = cache.inputUsage(for: prompt)
        #expect(first.cacheRead == 0)
        #expect(first.inputTotal == prompt.inputTokens)
        let second = cache.inputUsage(for: prompt)
        #expect(second.cacheRead == 1280)
        #expect(second.inputUncached == prompt.inputTokens - 1280)
        #expect(second.inputTotal == prompt.inputTokens)
    }

    @Test func openAIShortPrefixIsNeverCached() throws {
        let cache = PromptCacheSimulator()
        let prompt = try openAI([("system", SimulationFixture.text(tokens: 1023)), ("user", SimulationFixture.text(tokens: 2000))])
        _ = cache.inputUsage(for: prompt)
        #expect(cache.inputUsage(for: prompt).cacheRead == 0)
    }

    @Test func openAINextTurnHitsThePreviousPrompt() throws {
        let cache = PromptCacheSimulator()
        let system = SimulationFixture.text(tokens: 1100)
        _ = cache.inputUsage(for: try openAI([("system", system), ("user", SimulationFixture.text(tokens: 200, seed: "u"))]))
        let next = try openAI([
            ("system", system), ("user", SimulationFixture.text(tokens: 200, seed: "u")), ("assistant", "ok"), ("user", "more"),
        ])
        // The longest remembered boundary is system + first user message: 1,300 tokens → 1,280.
        #expect(cache.inputUsage(for: next).cacheRead == 1280)
        // A different prefix misses.
        let other = try openAI([("system", SimulationFixture.text(tokens: 1100, seed: "b")), ("user", "q")])
        #expect(cache.inputUsage(for: other).cacheRead == 0)
    }

    @Test func cacheForgetsOldPrefixesPastCapacity() throws {
        let cache = PromptCacheSimulator(capacity: 4)
        let prompt = try openAI([("system", SimulationFixture.text(tokens: 1100)), ("user", "q")])
        _ = cache.inputUsage(for: prompt)
        for index in 0..<4 {
            _ = cache.inputUsage(for: try openAI([("system", SimulationFixture.text(tokens: 1100, seed: "s\(index)")), ("user", "q")]))
        }
        #expect(cache.inputUsage(for: prompt).cacheRead == 0)
        cache.removeAll()
        #expect(cache.inputUsage(for: prompt).cacheRead == 0)
        #expect(cache.inputUsage(for: prompt).cacheRead == 1024)
    }

    private func anthropic(systemTokens: Int, ttl: String?, question: String = "Why?") throws -> SimulatedPrompt {
        let control = ttl.map { ",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"\($0)\"}" } ?? ",\"cache_control\":{\"type\":\"ephemeral\"}"
        let json = """
            {"model":"claude-sonnet-4-5","max_tokens":64,
             "system":[{"type":"text","text":"\(SimulationFixture.text(tokens: systemTokens))"\(control)}],
             "messages":[{"role":"user","content":"\(question)"}]}
            """
        return try SimulatedPrompt.anthropicMessages(json: Array(json.utf8))
    }

    @Test func anthropicMarkedPrefixIsWrittenThenRead() throws {
        let cache = PromptCacheSimulator()
        let prompt = try anthropic(systemTokens: 300, ttl: nil)
        #expect(prompt.cacheBreakpoints.map(\.tokens) == [300])
        let first = cache.inputUsage(for: prompt)
        #expect(first.cacheWrite5m == 300)
        #expect(first.cacheWrite1h == 0)
        #expect(first.cacheRead == 0)
        #expect(first.inputUncached == prompt.inputTokens - 300)
        let second = cache.inputUsage(for: try anthropic(systemTokens: 300, ttl: nil, question: "And then?"))
        #expect(second.cacheRead == 300)
        #expect(second.cacheWrite == 0)
        #expect(second.inputUncached == 3)
    }

    @Test func anthropicOneHourTTLIsReportedSeparately() throws {
        let cache = PromptCacheSimulator()
        let usage = cache.inputUsage(for: try anthropic(systemTokens: 50, ttl: "1h"))
        #expect(usage.cacheWrite1h == 50)
        #expect(usage.cacheWrite5m == 0)
    }

    @Test func anthropicLaterBreakpointWritesOnlyTheNewPart() throws {
        let cache = PromptCacheSimulator()
        let system = SimulationFixture.text(tokens: 100)
        let first = """
            {"model":"claude","system":[{"type":"text","text":"\(system)","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"hi"}]}
            """
        _ = cache.inputUsage(for: try SimulatedPrompt.anthropicMessages(json: Array(first.utf8)))
        let second = """
            {"model":"claude","system":[{"type":"text","text":"\(system)","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":[{"type":"text","text":"\(SimulationFixture.text(tokens: 40))",
                "cache_control":{"type":"ephemeral","ttl":"1h"}}]},{"role":"user","content":"ok"}]}
            """
        let prompt = try SimulatedPrompt.anthropicMessages(json: Array(second.utf8))
        let usage = cache.inputUsage(for: prompt)
        #expect(usage.cacheRead == 100)
        #expect(usage.cacheWrite1h == 40)
        #expect(usage.cacheWrite5m == 0)
        #expect(usage.inputUncached == 1)
        #expect(usage.inputTotal == prompt.inputTokens)
    }

    @Test func anthropicWithoutCacheControlCachesNothing() throws {
        let cache = PromptCacheSimulator()
        let json = Array("{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"abcdefgh\"}]}".utf8)
        let prompt = try SimulatedPrompt.anthropicMessages(json: json)
        _ = cache.inputUsage(for: prompt)
        #expect(cache.inputUsage(for: prompt) == TokenUsage(inputUncached: 2))
    }
}
