import Synchronization
public import TollgateCore
import TollgateProviders

/// Simulates provider prompt caching: remembers the prefixes it has seen and reports cache reads
/// and writes the way OpenAI and Anthropic do.
///
/// - OpenAI (automatic caching): a request whose prefix (every message but the last) is at least
///   ``openAIMinimumTokens`` tokens and was seen before reports `cached_tokens` = that prefix's tokens
///   rounded down to a multiple of ``openAIGranularity``. Every message boundary of every request is
///   remembered, so the next turn of a conversation hits the previous turn's prompt.
/// - Anthropic (explicit caching): blocks carrying `cache_control` end cacheable prefixes. The longest
///   prefix seen before is a cache read; the tokens from there to the last marked block are a cache
///   write, split by each breakpoint's TTL (5 minutes or 1 hour).
///
/// The memory is bounded (about ``capacity`` prefixes, least recently used dropped first) and
/// shared by all requests; cache entries never expire by time.
public final class PromptCacheSimulator: Sendable {
    /// The smallest OpenAI prefix that is cached.
    public static let openAIMinimumTokens: Int64 = 1024
    /// OpenAI reports cached tokens in multiples of this.
    public static let openAIGranularity: Int64 = 128

    /// How many prefixes are remembered at most.
    public let capacity: Int

    private struct Generations {
        var current: Set<UInt64> = []
        var previous: Set<UInt64> = []
    }

    private let generations: Mutex<Generations>

    /// Creates an empty cache.
    /// - Parameter capacity: How many prefixes to remember at most (at least 2).
    public init(capacity: Int = 10_000) {
        self.capacity = max(2, capacity)
        generations = Mutex(Generations())
    }

    /// Forgets every prefix.
    public func removeAll() {
        generations.withLock { $0 = Generations() }
    }

    /// Input-side usage of `prompt` (uncached input, cache reads and writes), remembering its prefixes.
    /// - Parameter prompt: The parsed request.
    /// - Returns: A usage value with only the input fields set.
    public func inputUsage(for prompt: SimulatedPrompt) -> TokenUsage {
        switch prompt.dialect {
        case .openai: openAIInputUsage(for: prompt)
        case .anthropic: anthropicInputUsage(for: prompt)
        }
    }

    private func openAIInputUsage(for prompt: SimulatedPrompt) -> TokenUsage {
        let breakpoints = prompt.cacheBreakpoints
        let salt: UInt64 = 0x6f70_656e_6169_0000
        var cached: Int64 = 0
        generations.withLock { state in
            // Lookup: the longest remembered boundary among all messages but the last.
            if breakpoints.count > 1 {
                for breakpoint in breakpoints[..<(breakpoints.count - 1)].reversed()
                where breakpoint.tokens >= Self.openAIMinimumTokens {
                    if Self.touch(breakpoint.key ^ salt, in: &state, capacity: capacity) {
                        cached = breakpoint.tokens / Self.openAIGranularity * Self.openAIGranularity
                        break
                    }
                }
            }
            for breakpoint in breakpoints where breakpoint.tokens >= Self.openAIMinimumTokens {
                Self.insert(breakpoint.key ^ salt, in: &state, capacity: capacity)
            }
        }
        return TokenUsage(inputUncached: prompt.inputTokens - cached, cacheRead: cached)
    }

    private func anthropicInputUsage(for prompt: SimulatedPrompt) -> TokenUsage {
        let breakpoints = prompt.cacheBreakpoints
        guard !breakpoints.isEmpty else { return TokenUsage(inputUncached: prompt.inputTokens) }
        let salt: UInt64 = 0x616e_7468_726f_0000
        var readIndex: Int?
        generations.withLock { state in
            for index in breakpoints.indices.reversed() where breakpoints[index].tokens > 0 {
                if Self.touch(breakpoints[index].key ^ salt, in: &state, capacity: capacity) {
                    readIndex = index
                    break
                }
            }
            for breakpoint in breakpoints where breakpoint.tokens > 0 {
                Self.insert(breakpoint.key ^ salt, in: &state, capacity: capacity)
            }
        }
        let read = readIndex.map { breakpoints[$0].tokens } ?? 0
        var write5m: Int64 = 0
        var write1h: Int64 = 0
        var previous = read
        for breakpoint in breakpoints[((readIndex ?? -1) + 1)...] {
            let segment = max(0, breakpoint.tokens - previous)
            switch breakpoint.ttl {
            case .fiveMinutes: write5m += segment
            case .oneHour: write1h += segment
            }
            previous = max(previous, breakpoint.tokens)
        }
        return TokenUsage(
            inputUncached: prompt.inputTokens - read - write5m - write1h,
            cacheRead: read,
            cacheWrite5m: write5m,
            cacheWrite1h: write1h
        )
    }

    /// Whether `key` is remembered; a hit in the older generation is promoted.
    private static func touch(_ key: UInt64, in state: inout Generations, capacity: Int) -> Bool {
        if state.current.contains(key) { return true }
        guard state.previous.contains(key) else { return false }
        insert(key, in: &state, capacity: capacity)
        return true
    }

    private static func insert(_ key: UInt64, in state: inout Generations, capacity: Int) {
        state.current.insert(key)
        if state.current.count >= capacity / 2 {
            state.previous = state.current
            state.current = Set(minimumCapacity: capacity / 2)
        }
    }
}
