import Foundation
import Testing
import TollgateCore
import TollgateProviders

/// Seeded fuzzing of everything the gateway reads from callers and providers: the request probe of
/// every route, the surgical rewrite, response usage extraction, the SSE framer and the stream meter.
/// Inputs are mutations of the committed corpus (`Fuzz/corpus`); `TOLLGATE_FUZZ_ITERATIONS` and
/// `TOLLGATE_FUZZ_SEED` set how long and which run. Nothing may trap; what is accepted must hold up.
@Suite struct FuzzTests {
    static func nonNegative(_ usage: TokenUsage) -> Bool {
        usage.inputUncached >= 0 && usage.cacheRead >= 0 && usage.cacheWrite5m >= 0 && usage.cacheWrite1h >= 0
            && usage.output >= 0 && usage.reasoning >= 0 && usage.reasoning <= usage.output
    }

    @Test func requestProbesAndRewritesHoldForMutatedBodies() throws {
        let seeds = try FuzzCorpus.seeds(".json")
        try #require(!seeds.isEmpty)
        var mutator = FuzzMutator(seed: FuzzCorpus.seed)
        var accepted = 0
        for _ in 0..<FuzzCorpus.iterations {
            let body = mutator.mutate(seeds)
            for route in RouteKind.allCases {
                guard let probe = try? route.probe(bytes: body) else { continue }
                accepted += 1
                #expect((try? JSONDocument(parsing: body)) != nil, "the \(route) probe accepted invalid JSON: \(Self.show(body))")
                #expect(probe.estimatedInputTokens >= 0)
                if let maxTokens = probe.maxTokens { #expect((1...Int(Int32.max)).contains(maxTokens)) }
                #expect(
                    RequestRewrite.rewritten(body, route: route, probe: probe, upstreamModel: probe.model) == nil
                        || (route == .chatCompletions && probe.stream))
                guard let rewritten = RequestRewrite.rewritten(body, route: route, probe: probe, upstreamModel: "fuzz-upstream", maxTokens: 7)
                else {
                    Issue.record("no rewrite for a new model on \(route): \(Self.show(body))")
                    continue
                }
                let again = try? route.probe(bytes: rewritten)
                #expect(again?.model == "fuzz-upstream", "the rewrite of \(Self.show(body)) is \(Self.show(rewritten))")
                #expect(again?.stream == probe.stream)
                if route.hasOutput { #expect(again?.maxTokens == 7, "the cap is not what the provider reads: \(Self.show(rewritten))") }
            }
        }
        #expect(accepted > 0, "no mutated body was accepted: the fuzzing never reached the rewrite")
    }

    @Test func responseMeteringNeverTrapsAndNeverGoesNegative() throws {
        let seeds = try FuzzCorpus.seeds("-response.json")
        var mutator = FuzzMutator(seed: FuzzCorpus.seed &+ 1)
        for _ in 0..<FuzzCorpus.iterations {
            let body = mutator.mutate(seeds)
            for route in RouteKind.allCases {
                let metering = route.meter(responseBody: body)
                if let usage = metering.usage { #expect(Self.nonNegative(usage), "\(usage) from \(Self.show(body))") }
                #expect(metering.generatedTextBytes >= 0)
            }
        }
    }

    @Test func streamsFrameAndMeterTheSameHoweverTheBytesAreSplit() throws {
        let seeds = try FuzzCorpus.seeds(".sse")
        var mutator = FuzzMutator(seed: FuzzCorpus.seed &+ 2)
        for _ in 0..<FuzzCorpus.iterations {
            let stream = mutator.mutate(seeds)
            let route = [RouteKind.chatCompletions, .messages, .responses][mutator.below(3)]
            let whole = Self.meter(stream, route: route, splits: [])
            let cuts = (0..<mutator.below(6)).map { _ in mutator.below(stream.count + 1) }.sorted()
            let split = Self.meter(stream, route: route, splits: cuts)
            #expect(whole.events == split.events, "framing depends on how \(Self.show(stream)) is split at \(cuts)")
            #expect(whole.usage == split.usage)
            #expect(Self.nonNegative(whole.usage.usage))
        }
    }

    /// Frames `stream` pushed in pieces cut at `splits`, meters every event, then the rest.
    static func meter(_ stream: [UInt8], route: RouteKind, splits: [Int]) -> (events: [[UInt8]], usage: UsageResult) {
        var framer = SSEFramer()
        var meter = StreamMeter(route: route, forwardUsageChunk: true)
        var events: [[UInt8]] = []
        var start = 0
        for cut in splits + [stream.count] {
            for event in framer.push(stream[start..<cut]) {
                events.append(Array(event))
                _ = meter.observe(event)
            }
            start = cut
        }
        if let rest = framer.flush() {
            events.append(Array(rest))
            _ = meter.observe(rest)
        }
        let (usage, estimated) = meter.finalUsage(estimatedInputTokens: 10, outputBound: 1_000)
        return (events, UsageResult(usage: usage, estimated: estimated))
    }

    struct UsageResult: Equatable {
        var usage: TokenUsage
        var estimated: Bool
    }

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
    }
}
