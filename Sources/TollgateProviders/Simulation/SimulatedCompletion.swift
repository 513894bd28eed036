/// The deterministic answer to a ``SimulatedPrompt``: `n` output tokens of exactly four UTF-8 bytes each.
///
/// `n = min(maxTokens, 16 + textHash % 48)`, or `min(maxTokens, N)` with a `[[sim:tokens=N]]` directive,
/// so ``TokenEstimator/tokens(in:)`` of ``text`` is exactly ``outputTokens``. Reasoning models (names
/// starting with `o1`, `o3`, `o4` or containing `reason`) report `outputTokens / 4` reasoning tokens,
/// counted inside ``outputTokens``.
public struct SimulatedCompletion: Sendable, Hashable {
    /// The answer, one four-byte piece per output token.
    public var pieces: [String]
    /// Output tokens, reasoning included; equals `pieces.count`.
    public var outputTokens: Int
    /// The part of ``outputTokens`` reported as reasoning (thinking).
    public var reasoningTokens: Int
    /// Whether the request's max tokens cut the answer short (finish `length` / stop `max_tokens`).
    public var truncated: Bool

    /// The whole answer text.
    public var text: String { pieces.joined() }

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

    /// Synthesises the answer to `prompt`.
    /// - Parameter prompt: The parsed request.
    public init(prompt: SimulatedPrompt) {
        let wanted = prompt.directives.outputTokens ?? Self.naturalTokenCount(textHash: prompt.textHash)
        let count: Int
        if let cap = prompt.maxTokens, cap < wanted {
            count = max(0, cap)
            truncated = true
        } else {
            count = wanted
            truncated = false
        }
        outputTokens = count
        reasoningTokens = Self.isReasoningModel(prompt.model) ? count / 4 : 0
        pieces = Self.pieces(count: count, seed: prompt.textHash)
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
