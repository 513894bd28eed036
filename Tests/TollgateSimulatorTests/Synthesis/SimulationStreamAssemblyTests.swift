import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

/// The simulator's streams, assembled by the response cache, give the answers the simulator returns without streaming.
@Suite struct SimulationStreamAssemblyTests {
    private static let longText = SimulationFixture.text(tokens: 1_100, seed: "long")
    private static let weather = #"{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}"#
    private static let search = #"{"name":"search","input_schema":{"type":"object"}}"#

    /// A request, and how many times the simulator has seen it when it answers (a second time reads its prompt cache).
    struct Case: Sendable, CustomTestStringConvertible {
        var route: SimulatorCompletionRoute
        var request: String
        var seen = 1
        var testDescription: String { "\(route) \(request.prefix(90)) ×\(seen)" }
    }

    static let cases: [Case] = [
        Case(route: .chatCompletions, request: chat(#""messages":[{"role":"user","content":"Tell me [[sim:tokens=12]]"}]"#)),
        Case(route: .chatCompletions, request: chat(#""n":3,"messages":[{"role":"user","content":"Three answers"}]"#)),
        Case(route: .chatCompletions, request: chat(#""tools":[\#(weather)],"messages":[{"role":"user","content":"Weather? [[sim:tokens=9]]"}]"#)),
        Case(route: .chatCompletions, request: chat(#""n":2,"tools":[\#(weather)],"messages":[{"role":"user","content":"Twice"}]"#)),
        Case(
            route: .chatCompletions,
            request: chat(#""model":"o3-mini","max_tokens":5,"messages":[{"role":"user","content":"Reason [[sim:tokens=30]]"}]"#)),
        Case(
            route: .chatCompletions,
            request: chat(#""messages":[{"role":"system","content":"\#(longText)"},{"role":"user","content":"Cached prefix"}]"#), seen: 2),
        Case(route: .messages, request: message(#""messages":[{"role":"user","content":"Hello [[sim:tokens=14]]"}]"#)),
        Case(route: .messages, request: message(#""tools":[\#(search)],"messages":[{"role":"user","content":"Search [[sim:tokens=8]]"}]"#)),
        Case(route: .messages, request: message(#""model":"claude-reasoner","messages":[{"role":"user","content":"Think [[sim:tokens=40]]"}]"#)),
        Case(route: .messages, request: message(#""max_tokens":3,"messages":[{"role":"user","content":"Capped [[sim:tokens=40]]"}]"#)),
        Case(route: .messages, request: cachedMessage, seen: 1),
        Case(route: .messages, request: cachedMessage, seen: 2),
    ]

    private static var cachedMessage: String {
        message(
            #""system":[{"type":"text","text":"\#(longText)","cache_control":{"type":"ephemeral"}}],"#
                + #""messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral","ttl":"1h"}}]}]"#)
    }

    private static func chat(_ fields: String) -> String {
        #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"# + fields + "}"
    }

    private static func message(_ fields: String) -> String {
        #"{"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"# + fields + "}"
    }

    /// The simulator's streamed and non-streamed answers to a case, as the responder renders them.
    private static func answers(_ item: Case) throws -> (stream: SimulatedStream, body: String) {
        let json = Array(item.request.utf8)
        let prompt = try item.route == .messages ? SimulatedPrompt.anthropicMessages(json: json) : SimulatedPrompt.openAIChat(json: json)
        let cache = PromptCacheSimulator()
        var usage = TokenUsage()
        for _ in 0..<item.seen { usage = cache.inputUsage(for: prompt) }
        let choices = SimulatedCompletion.choices(for: prompt)
        usage.output = Int64(choices.reduce(0) { $0 + $1.outputTokens })
        usage.reasoning = Int64(choices.reduce(0) { $0 + $1.reasoningTokens })
        let rendering = SimulatorCompletionRoute.Rendering(identifier: "T1", created: 1_727_346_173, prompt: prompt, choices: choices, usage: usage)
        return (item.route.stream(rendering), item.route.body(rendering))
    }

    private static func routeKind(_ route: SimulatorCompletionRoute) -> RouteKind {
        route == .messages ? .messages : .chatCompletions
    }

    private static func canonical(_ bytes: [UInt8], _ path: [String]) throws -> String {
        var value = try JSONDocument(parsing: bytes).root
        for key in path {
            let element = Int(key).flatMap { value.elements.indices.contains($0) ? value.elements[$0] : nil }
            guard let next = element ?? value[key] else { return "<absent>" }
            value = next
        }
        return String(decoding: CanonicalJSON.text(of: value), as: UTF8.self)
    }

    private static func assemble(_ events: [String], route: RouteKind) -> [UInt8]? {
        var assembler = StreamAnswerAssembler(route: route)
        var framer = SSEFramer()
        for event in events {
            for framed in framer.push(Array(event.utf8)) { assembler.observe(framed) }
        }
        return assembler.answer()
    }

    @Test(arguments: cases)
    func theAssembledStreamIsTheNonStreamedAnswer(item: Case) throws {
        let (stream, text) = try Self.answers(item)
        let body = Array(text.utf8)
        let route = Self.routeKind(item.route)
        for style in SimulationJSONStyle.allCases {
            let answer = try #require(Self.assemble((stream.head + stream.tokens + stream.tail).map(style.apply), route: route), "\(style)")
            var paths: [[String]] = [["id"], ["model"], ["usage"]]
            if route == .messages {
                paths += [["type"], ["role"], ["content"], ["stop_reason"], ["stop_sequence"]]
            } else {
                paths += [["object"], ["created"], ["system_fingerprint"]]
                let count = try JSONDocument(parsing: body).root["choices"]?.elements.count ?? 0
                #expect(try JSONDocument(parsing: answer).root["choices"]?.elements.count == count)
                for index in 0..<count {
                    let choice = ["choices", "\(index)"]
                    paths += [choice + ["index"], choice + ["finish_reason"], choice + ["logprobs"]]
                    paths += ["role", "content", "tool_calls", "refusal"].map { choice + ["message", $0] }
                }
            }
            for path in paths {
                #expect(try Self.canonical(answer, path) == Self.canonical(body, path), "\(style) \(path)")
            }
            #expect(route.meter(responseBody: answer) == route.meter(responseBody: body))
        }
    }

    @Test func theCasesCoverToolCallsChoicesCachesAndReasoning() throws {
        let answers = try Self.cases.map { try Self.answers($0) }
        let usages = try zip(Self.cases, answers).map { item, answer in
            try #require(Self.routeKind(item.route).meter(responseBody: Array(answer.body.utf8)).usage)
        }
        #expect(usages.contains { $0.cacheRead > 0 })
        #expect(usages.contains { $0.cacheWrite5m > 0 && $0.cacheWrite1h > 0 })
        #expect(usages.contains { $0.reasoning > 0 })
        #expect(answers.contains { $0.body.contains(#""tool_calls":[{"#) })
        #expect(answers.contains { $0.body.contains(#""type":"tool_use""#) })
        #expect(answers.contains { $0.body.contains(#""index":2"#) })
        #expect(answers.contains { $0.body.contains(#""stop_reason":"max_tokens""#) })
    }

    @Test(arguments: cases)
    func theCachedStreamMetersLikeTheSimulatorsStream(item: Case) throws {
        let (stream, text) = try Self.answers(item)
        let route = Self.routeKind(item.route)
        func metered(_ events: [UInt8]) -> StreamMeter {
            var meter = StreamMeter(route: route, forwardUsageChunk: true)
            var framer = SSEFramer()
            for event in framer.push(events) { _ = meter.observe(event) }
            return meter
        }
        let simulated = metered(Array(stream.body.utf8))
        let cached = metered(try #require(CachedAnswerStream.events(body: Array(text.utf8), route: route, includeUsage: true)))
        #expect(simulated.usage != nil)
        #expect(cached.usage == simulated.usage)
        #expect(cached.finalUsageSeen && simulated.finalUsageSeen)
        #expect(cached.completed && simulated.completed)
        #expect(cached.streamedTextBytes == simulated.streamedTextBytes)
        #expect(cached.servedModel == simulated.servedModel)
    }
}
