import TollgateCore
public import TollgateProviders

/// A chat request (OpenAI Chat Completions or Anthropic Messages) reduced to what the simulator
/// needs: the prompt's token count and hash, its cache breakpoints, and the answer's shape.
///
/// Input tokens are the sum of ``TokenEstimator/tokens(in:)`` over every text piece of the prompt:
/// each string `content`, each content part's or block's `text` (tool results included), and the
/// system prompt (an OpenAI `system`/`developer` message, or Anthropic's `system` string or blocks).
public struct SimulatedPrompt: Sendable, Hashable {
    /// How long a prompt-cache write lives (Anthropic `cache_control.ttl`).
    public enum CacheTTL: Sendable, Hashable {
        /// The default five-minute cache.
        case fiveMinutes
        /// The one-hour cache (`"ttl": "1h"`).
        case oneHour
    }

    /// A point in the prompt where a cacheable prefix ends.
    ///
    /// OpenAI: one after every message (the last one covers the whole prompt).
    /// Anthropic: one after every content block that carries `cache_control`.
    public struct CacheBreakpoint: Sendable, Hashable {
        /// Input tokens of the prefix that ends here.
        public var tokens: Int64
        /// A hash identifying the prefix's exact text.
        public var key: UInt64
        /// The cache lifetime the breakpoint asks for.
        public var ttl: CacheTTL

        /// Creates a breakpoint.
        public init(tokens: Int64, key: UInt64, ttl: CacheTTL = .fiveMinutes) {
            self.tokens = tokens
            self.key = key
            self.ttl = ttl
        }
    }

    /// The dialect the request was written in.
    public var dialect: Dialect
    /// The requested model, echoed in the answer.
    public var model: String
    /// Whether the client asked for a server-sent-event stream.
    public var stream: Bool
    /// OpenAI `stream_options.include_usage`: whether a final usage chunk is sent.
    public var includeUsage: Bool
    /// The request's output cap (OpenAI `max_completion_tokens` or `max_tokens`; Anthropic `max_tokens`).
    public var maxTokens: Int?
    /// Estimated input tokens of the whole prompt (cached parts included).
    public var inputTokens: Int64
    /// FNV-1a-64 of the prompt text (every text piece followed by a newline byte).
    public var textHash: UInt64
    /// Where cacheable prefixes end, in prompt order.
    public var cacheBreakpoints: [CacheBreakpoint]
    /// `[[sim:...]]` directives found in the prompt text.
    public var directives: SimulationDirectives
    /// How many alternative answers to generate (OpenAI `n`, 1...128; always 1 elsewhere).
    public var choiceCount: Int
    /// The tool to answer with a call to, or `nil` for a text answer: the tool `tool_choice` names, else
    /// the first tool offered, unless `tool_choice` is `"none"` (or the request offers no tools).
    public var toolName: String?
    /// The Responses API `instructions`, echoed in the answer.
    public var instructions: String?

    /// Creates a prompt from already computed parts; the parsers below are the usual way to get one.
    public init(
        dialect: Dialect,
        model: String,
        stream: Bool = false,
        includeUsage: Bool = false,
        maxTokens: Int? = nil,
        inputTokens: Int64,
        textHash: UInt64,
        cacheBreakpoints: [CacheBreakpoint] = [],
        directives: SimulationDirectives = SimulationDirectives(),
        choiceCount: Int = 1,
        toolName: String? = nil,
        instructions: String? = nil
    ) {
        self.dialect = dialect
        self.model = model
        self.stream = stream
        self.includeUsage = includeUsage
        self.maxTokens = maxTokens
        self.inputTokens = inputTokens
        self.textHash = textHash
        self.cacheBreakpoints = cacheBreakpoints
        self.directives = directives
        self.choiceCount = max(1, choiceCount)
        self.toolName = toolName
        self.instructions = instructions
    }
}

/// Accumulates prompt text piece by piece: tokens, running hash and directives.
struct SimulatedPromptAccumulator {
    var tokens: Int64 = 0
    var hasher = FNV1a64()
    var directives = SimulationDirectives()
    var breakpoints: [SimulatedPrompt.CacheBreakpoint] = []

    mutating func add(_ text: String) {
        tokens += TokenEstimator.tokens(in: text)
        hasher.combine(text)
        hasher.combine(byte: 0x0A)
        directives.scan(text)
    }

    mutating func markBreakpoint(ttl: SimulatedPrompt.CacheTTL = .fiveMinutes) {
        breakpoints.append(.init(tokens: tokens, key: hasher.value, ttl: ttl))
    }
}
