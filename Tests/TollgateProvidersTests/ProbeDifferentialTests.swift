import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// Request probes and usage readers against a reference built on Foundation's full parser: the same
/// document in any whitespace, key order, escaping or number spelling reads the same.
@Suite struct ProbeDifferentialTests {
    private struct Body {
        var random: SplitMix64
        var generator: JSONGenerator

        mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        mutating func maybe(_ value: GeneratedJSON) -> GeneratedJSON? {
            switch random.next() % 3 {
            case 0: nil
            case 1: .null
            default: value
            }
        }

        mutating func content() -> GeneratedJSON {
            switch random.next() % 3 {
            case 0: return .string(generator.text())
            case 1:
                return .array(
                    (0..<Int(1 + random.next() % 3)).map { _ in
                        random.next() % 4 == 0
                            ? .object([("type", .string("image_url")), ("image_url", .object([("url", .string("https://x/y.png"))]))])
                            : .object([("type", .string("text")), ("text", .string(generator.text()))])
                    })
            default: return .null
            }
        }

        mutating func chat() -> GeneratedJSON {
            var messages: [GeneratedJSON] = []
            for _ in 0..<Int(1 + random.next() % 4) {
                var members: [(String, GeneratedJSON)] = [("role", .string(pick(["system", "user", "assistant", "tool"]))), ("content", content())]
                if random.next() % 4 == 0 {
                    let call = GeneratedJSON.object([
                        ("id", .string("call_1")), ("type", .string("function")),
                        ("function", .object([("name", .string("f")), ("arguments", .string("{\"q\": \"" + generator.text() + "\"}"))])),
                    ])
                    members.append(("tool_calls", .array([call])))
                }
                messages.append(.object(members))
            }
            var members: [(String, GeneratedJSON)] = [
                ("model", .string(pick(["gpt-4o", "gpt-4o-mini", "é-model", "m/x"]))), ("messages", .array(messages)),
            ]
            let options = GeneratedJSON.object([("include_usage", maybe(.bool(random.next() % 2 == 0)) ?? .null), ("other", .integer(1))])
            let optional: [(String, GeneratedJSON?)] = [
                ("stream", maybe(.bool(random.next() % 2 == 0))), ("stream_options", maybe(options)),
                ("max_tokens", maybe(.integer(Int64(1 + random.next() % 10_000)))),
                ("max_completion_tokens", maybe(.integer(Int64(1 + random.next() % 10_000)))), ("n", maybe(.integer(Int64(1 + random.next() % 5)))),
                ("user", maybe(.string(generator.text()))), ("temperature", maybe(.number("0.7"))),
                ("metadata", maybe(.object([("k", .string(generator.text()))]))),
            ]
            for (key, value) in optional { if let value { members.append((key, value)) } }
            members.shuffle(using: &random)
            return .object(members)
        }
    }

    /// What a probe must read, computed from Foundation's parse of the same text.
    private func reference(_ text: String) throws -> RequestProbe {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
        var bytes = 0
        for message in object["messages"] as? [[String: Any]] ?? [] {
            if let text = message["content"] as? String { bytes += text.utf8.count }
            for part in message["content"] as? [[String: Any]] ?? [] { bytes += (part["text"] as? String)?.utf8.count ?? 0 }
            for call in message["tool_calls"] as? [[String: Any]] ?? [] {
                bytes += ((call["function"] as? [String: Any])?["arguments"] as? String)?.utf8.count ?? 0
            }
        }
        let options = object["stream_options"] as? [String: Any]
        return RequestProbe(
            model: object["model"] as? String ?? "", stream: (object["stream"] as? Bool) ?? false,
            clientRequestedStreamUsage: (options?["include_usage"] as? Bool) ?? false, hasStreamOptions: options != nil,
            maxTokens: int("max_completion_tokens") ?? int("max_tokens"), estimatedInputTokens: TokenEstimator.tokens(byteCount: bytes),
            choices: int("n") ?? 1, user: object["user"] as? String)
    }

    @Test func chatProbesAgreeWithTheFullParserInEveryStyle() throws {
        var body = Body(random: SplitMix64(seed: 0xB0D1), generator: JSONGenerator(random: SplitMix64(seed: 0xB0D2)))
        var style = JSONStyle(random: SplitMix64(seed: 0xB0D3))
        for _ in 0..<2_000 {
            let value = body.chat()
            let compact = style.write(value)
            let probe = try RouteKind.chatCompletions.probe(bytes: Array(compact.utf8))
            #expect(probe == (try reference(compact)), "\(compact)")
            // The same document in two more spellings reads the same.
            for _ in 0..<2 {
                let other = style.write(value)
                #expect((try RouteKind.chatCompletions.probe(bytes: Array(other.utf8))) == probe, "\(other)")
            }
        }
    }

    @Test func usageReadsTheSameInEveryStyle() throws {
        var style = JSONStyle(random: SplitMix64(seed: 0xB0D4))
        var random = SplitMix64(seed: 0xB0D5)
        for _ in 0..<1_000 {
            let (prompt, cached, completion, reasoning) = (
                Int64(random.next() % 100_000), Int64(random.next() % 1_000), Int64(random.next() % 50_000), Int64(random.next() % 100)
            )
            let usage = GeneratedJSON.object([
                ("prompt_tokens", .integer(prompt + cached)), ("completion_tokens", .integer(completion + reasoning)),
                ("total_tokens", .integer(prompt + cached + completion + reasoning)),
                ("prompt_tokens_details", .object([("cached_tokens", .integer(cached)), ("audio_tokens", .null)])),
                ("completion_tokens_details", .object([("reasoning_tokens", .integer(reasoning))])),
            ])
            let body = GeneratedJSON.object([
                ("id", .string("chatcmpl-1")), ("model", .string("gpt-4o")),
                (
                    "choices",
                    .array([.object([("index", .integer(0)), ("message", .object([("role", .string("assistant")), ("content", .string("hi"))]))])])
                ),
                ("usage", usage),
            ])
            let expected = TokenUsage(inputUncached: prompt, cacheRead: cached, output: completion + reasoning, reasoning: reasoning)
            let text = style.write(body)
            let metering = RouteKind.chatCompletions.meter(responseBody: Array(text.utf8))
            #expect(metering.usage == expected, "\(text)")
            #expect(metering.servedModel == "gpt-4o")
            // The same usage as a stream's final chunk.
            let chunk = GeneratedJSON.object([("model", .string("gpt-4o")), ("choices", .array([])), ("usage", usage)])
            var meter = StreamMeter(route: .chatCompletions, forwardUsageChunk: false)
            // One event is one line: JSON whitespace other than newlines (strings never hold a raw newline).
            let line = style.write(chunk).replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: "\t")
            let relayed = meter.observe(ArraySlice(Array(("data: " + line + "\n\n").utf8)))
            #expect(!relayed)
            #expect(meter.usage == expected && meter.finalUsageSeen)
        }
    }
}
