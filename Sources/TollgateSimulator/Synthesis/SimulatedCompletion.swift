import TollgateCore
import TollgateProviders

/// The deterministic answer to a ``SimulatedPrompt``: text of `n` output tokens of exactly four UTF-8
/// bytes each, or a tool call whose JSON arguments are counted by the same rule.
///
/// `n = min(maxTokens, 16 + seed % 48)`, or `min(maxTokens, N)` with a `[[sim:tokens=N]]` directive,
/// where the seed is the prompt's `textHash` for choice 0 and a mix of it with the index for the other
/// choices (so choices differ). ``TokenEstimator/tokens(in:)`` of ``text`` is exactly ``outputTokens``.
/// Reasoning models (names starting with `o1`, `o3`, `o4` or containing `reason`) report
/// `outputTokens / 4` reasoning tokens, counted inside ``outputTokens``.
///
/// A tool call (``toolName`` set) has ``text`` `{"query":"<pieces>"}`: the 12 bytes around the pieces
/// are 3 tokens, so `n` tokens hold `n - 3` pieces; below 3 tokens the arguments are `{}` (1 token).
/// A cap (`max_tokens`) shrinks the arguments so they stay valid JSON, and marks the answer truncated.
///
/// A replayed answer (``init(recorded:)``) holds recorded text instead, cut into pieces of about four bytes.
public struct SimulatedCompletion: Sendable, Hashable {
    /// The answer as it is streamed: one four-byte piece per output token for text; for a tool call the
    /// argument fragments (`{"query":"`, one piece per token, `"}`).
    public var pieces: [String]
    /// Output tokens, reasoning included: ``TokenEstimator/tokens(in:)`` of ``text``.
    public var outputTokens: Int
    /// The part of ``outputTokens`` reported as reasoning (thinking).
    public var reasoningTokens: Int
    /// Whether the request's max tokens cut the answer short (finish `length` / stop `max_tokens`).
    public var truncated: Bool
    /// The choice's position among the request's `n` answers.
    public var index: Int
    /// The tool this answer calls, or `nil` for a text answer.
    public var toolName: String?
    /// The seed the answer was drawn from (also used for tool call ids).
    public var seed: UInt64

    /// The whole answer text; for a tool call, its JSON arguments.
    public var text: String { pieces.joined() }

    /// The opening argument fragment of a tool call.
    public static let argumentsPrefix = "{\"query\":\""
    /// The closing argument fragment of a tool call.
    public static let argumentsSuffix = "\"}"

    /// The vocabulary pieces are drawn from: each exactly four ASCII bytes and safe to embed in JSON as is.
    public static let vocabulary: [String] = [
        " lor", " ips", " dol", " sit", " ame", " con", " sec", " adi", " eli", " sed", " do ", " eiu",
        " tem", " inc", " ut ", " lab", " et ", " mag", " ali", " qua", " eni", " min", " ven", " nos",
        " exe", " ull", " lam", " nis", " ex ", " com", " dui", " aut", " iru", " rep", " vol", " vel",
        " ess", " cil", " fug", " nul", " par", " exc", " occ", " cup", " non", " pro", " sun", " cul",
        " off", " des", " mol", " ani", " id ", " est", " per", " und", " omn", " ist", " nat", " err",
        " acc", " dox", " tot", " rem",
    ]

    /// The number of tokens a prompt gets when nothing caps or overrides it: `16 + textHash % 48`.
    public static func naturalTokenCount(textHash: UInt64) -> Int {
        16 + Int(textHash % 48)
    }

    /// Whether a model reports reasoning tokens.
    public static func isReasoningModel(_ model: String) -> Bool {
        let name = model.lowercased()
        return name.hasPrefix("o1") || name.hasPrefix("o3") || name.hasPrefix("o4") || name.contains("reason")
    }

    /// Synthesises choice `index` of the answer to `prompt`.
    /// - Parameters:
    ///   - prompt: The parsed request.
    ///   - index: The choice (0 for the first; the prompt's ``SimulatedPrompt/choiceCount`` bounds it).
    public init(prompt: SimulatedPrompt, index: Int = 0) {
        let seed = Self.seed(textHash: prompt.textHash, index: index)
        let wanted = prompt.directives.outputTokens ?? Self.naturalTokenCount(textHash: seed)
        let count: Int
        if let cap = prompt.maxTokens, cap < wanted {
            count = max(0, cap)
            truncated = true
        } else {
            count = max(0, wanted)
            truncated = false
        }
        self.index = index
        self.seed = seed
        toolName = prompt.toolName
        if prompt.toolName == nil {
            pieces = Self.pieces(count: count, seed: seed)
            outputTokens = count
        } else {
            pieces = Self.argumentFragments(tokens: count, seed: seed)
            outputTokens = Int(TokenEstimator.tokens(in: pieces.joined()))
        }
        reasoningTokens = Self.isReasoningModel(prompt.model) ? outputTokens / 4 : 0
    }

    /// Every choice of the answer to `prompt`, in index order.
    /// - Parameter prompt: The parsed request.
    public static func choices(for prompt: SimulatedPrompt) -> [SimulatedCompletion] {
        (0..<max(1, prompt.choiceCount)).map { SimulatedCompletion(prompt: prompt, index: $0) }
    }

    /// The seed of choice `index`: the prompt hash itself for choice 0, a distinct mix for the others.
    public static func seed(textHash: UInt64, index: Int) -> UInt64 {
        guard index > 0 else { return textHash }
        var generator = SplitMix64(seed: textHash ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(index)))
        return generator.next()
    }

    /// Tool-call argument fragments worth `tokens` tokens (at least `{}`, one token).
    public static func argumentFragments(tokens: Int, seed: UInt64) -> [String] {
        guard tokens >= 3 else { return ["{}"] }
        return [argumentsPrefix] + pieces(count: tokens - 3, seed: seed) + [argumentsSuffix]
    }

    /// A tool call id suffix (24 hex digits) derived from the answer's seed: stable for a prompt.
    public var toolCallSuffix: String {
        var generator = SplitMix64(seed: seed ^ 0x746f_6f6c_6361_6c6c)
        let high = String(generator.next(), radix: 16)
        let low = String(generator.next() & 0xffff_ffff, radix: 16)
        return String(repeating: "0", count: 16 - high.count) + high + String(repeating: "0", count: 8 - low.count) + low
    }

    /// `count` vocabulary pieces drawn deterministically from `seed`.
    public static func pieces(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        var pieces: [String] = []
        pieces.reserveCapacity(count)
        let vocabulary = Self.vocabulary
        for _ in 0..<count {
            pieces.append(vocabulary[Int(generator.next() % UInt64(vocabulary.count))])
        }
        return pieces
    }
}
