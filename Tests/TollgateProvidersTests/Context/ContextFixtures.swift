import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

/// Conversations in both dialects, written as JSON text, and the checks every context-budget test makes.
enum ContextFixtures {
    static func q(_ text: String) -> String { JSONText.quote(text) }

    /// `count` bytes of text, one word repeated.
    static func filler(_ count: Int, word: String = "lorem ") -> String {
        String(String(repeating: word, count: count / word.utf8.count + 1).utf8.prefix(count))!
    }

    /// A long instruction block (well over the minimum for dedupe).
    static let instructions = "You are a careful assistant. Answer in English, cite every source, and never invent a number you have not read."

    // MARK: OpenAI

    static func message(_ role: String, _ content: String) -> String { #"{"role":\#(q(role)),"content":\#(q(content))}"# }

    static func parts(_ role: String, _ texts: [String]) -> String {
        #"{"role":\#(q(role)),"content":[\#(texts.map { #"{"type":"text","text":\#(q($0))}"# }.joined(separator: ","))]}"#
    }

    static func calls(_ calls: [(id: String, arguments: String)]) -> String {
        let list = calls.map { #"{"id":\#(q($0.id)),"type":"function","function":{"name":"lookup","arguments":\#(q($0.arguments))}}"# }
        return #"{"role":"assistant","content":null,"tool_calls":[\#(list.joined(separator: ","))]}"#
    }

    static func tool(_ id: String, _ content: String) -> String { #"{"role":"tool","tool_call_id":\#(q(id)),"content":\#(q(content))}"# }

    static func chat(_ messages: [String], after: String = "") -> String {
        #"{"model":"gpt-4o","messages":[\#(messages.joined(separator: ","))]\#(after)}"#
    }

    // MARK: Anthropic

    static func text(_ text: String, cached: Bool = false) -> String {
        #"{"type":"text","text":\#(q(text))\#(cached ? #","cache_control":{"type":"ephemeral"}"# : "")}"#
    }

    static func toolUse(_ id: String, _ input: String = #"{"q":"x"}"#) -> String {
        #"{"type":"tool_use","id":\#(q(id)),"name":"lookup","input":\#(input)}"#
    }

    static func toolResult(_ id: String, _ content: String) -> String {
        #"{"type":"tool_result","tool_use_id":\#(q(id)),"content":\#(q(content))}"#
    }

    static func turn(_ role: String, _ blocks: [String]) -> String { #"{"role":\#(q(role)),"content":[\#(blocks.joined(separator: ","))]}"# }

    static func messages(system: String? = nil, _ messages: [String], after: String = "") -> String {
        let head = system.map { #""system":\#($0),"# } ?? ""
        return #"{"model":"claude-sonnet-4-5","max_tokens":100,\#(head)"messages":[\#(messages.joined(separator: ","))]\#(after)}"#
    }

    // MARK: Running

    static func rule(
        _ maxInputTokens: Int, _ strategies: [ContextStrategy] = ContextStrategy.deterministic, keep: Int = 1, toolTokens: Int = 10,
        summarize: ContextBudgetRule.Summary? = nil
    ) -> ContextBudgetRule {
        ContextBudgetRule(
            name: "test", maxInputTokens: maxInputTokens, strategies: strategies, keepLastTurns: keep, maxToolResultTokens: toolTokens,
            summarize: summarize)
    }

    /// The gateway's own input estimate of a body.
    static func estimate(_ body: [UInt8], _ dialect: Dialect) throws -> Int64 {
        try (dialect == .openai ? RouteKind.chatCompletions : RouteKind.messages).probe(bytes: body).estimatedInputTokens
    }

    /// Runs a rule over an over-budget body, checking what holds for every result: the body is valid
    /// JSON the gateway reads, and the reported tokens are the gateway's estimates of both bodies.
    static func run(
        _ body: String, _ dialect: Dialect, _ rule: ContextBudgetRule, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ContextCompaction {
        let bytes = Array(body.utf8)
        guard case .compacted(let result) = ContextCompactor.compact(bytes, dialect: dialect, rule: rule) else {
            Issue.record("expected the body to be compacted", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        #expect(try estimate(bytes, dialect) == result.tokensBefore, sourceLocation: sourceLocation)
        #expect(try estimate(result.body, dialect) == result.tokensAfter, sourceLocation: sourceLocation)
        #expect(result.fits == (result.tokensAfter <= Int64(rule.maxInputTokens)), sourceLocation: sourceLocation)
        #expect((try? JSONSerialization.jsonObject(with: Data(result.body))) != nil, sourceLocation: sourceLocation)
        #expect(result.isChanged == (result.body != bytes), sourceLocation: sourceLocation)
        return result
    }

    /// The messages of a body, parsed.
    static func messages(of body: [UInt8]) throws -> [[String: Any]] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        return try #require(root["messages"] as? [[String: Any]])
    }

    static func roles(_ body: [UInt8]) throws -> [String] { try messages(of: body).map { $0["role"] as? String ?? "?" } }

    /// The byte offset just after the message at `index` of a body's `messages`.
    static func end(ofMessage index: Int, in body: [UInt8]) throws -> Int {
        try JSONDocument(parsing: body).root["messages"]!.elements[index].range.upperBound
    }

    /// Every tool call id and every result's id in an OpenAI body, which must be the same sets.
    static func openAIToolIDs(_ body: [UInt8]) throws -> (calls: [String], results: [String]) {
        let all = try messages(of: body)
        let calls = all.flatMap { ($0["tool_calls"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        return (calls, all.compactMap { $0["tool_call_id"] as? String })
    }

    /// Every `tool_use` id and every `tool_result` id in an Anthropic body.
    static func anthropicToolIDs(_ body: [UInt8]) throws -> (uses: [String], results: [String]) {
        let blocks = try messages(of: body).flatMap { $0["content"] as? [[String: Any]] ?? [] }
        return (
            blocks.filter { $0["type"] as? String == "tool_use" }.compactMap { $0["id"] as? String },
            blocks.filter { $0["type"] as? String == "tool_result" }.compactMap { $0["tool_use_id"] as? String }
        )
    }
}
