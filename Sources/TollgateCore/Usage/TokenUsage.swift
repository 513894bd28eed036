/// Token usage of one upstream call, normalised to the ledger's canonical fields.
///
/// Every provider's usage object maps onto these fields (see `docs/pricing.md`):
/// input is split into uncached input, cache reads and cache writes (by TTL), and
/// reasoning is a part of output, never added on top of it.
public struct TokenUsage: Sendable, Hashable, Codable {
    /// Input tokens that were neither read from nor written to a prompt cache.
    public var inputUncached: Int64
    /// Input tokens read from a prompt cache.
    public var cacheRead: Int64
    /// Input tokens written to a prompt cache with the default (5-minute) TTL.
    public var cacheWrite5m: Int64
    /// Input tokens written to a prompt cache with a 1-hour TTL.
    public var cacheWrite1h: Int64
    /// Output tokens, reasoning included.
    public var output: Int64
    /// The part of ``output`` spent on reasoning (thinking).
    public var reasoning: Int64

    /// Creates a usage value; every count defaults to zero.
    public init(
        inputUncached: Int64 = 0,
        cacheRead: Int64 = 0,
        cacheWrite5m: Int64 = 0,
        cacheWrite1h: Int64 = 0,
        output: Int64 = 0,
        reasoning: Int64 = 0
    ) {
        self.inputUncached = inputUncached
        self.cacheRead = cacheRead
        self.cacheWrite5m = cacheWrite5m
        self.cacheWrite1h = cacheWrite1h
        self.output = output
        self.reasoning = reasoning
    }

    /// All cache writes, whatever their TTL.
    public var cacheWrite: Int64 { cacheWrite5m + cacheWrite1h }

    /// All input tokens: uncached, cache reads and cache writes.
    public var inputTotal: Int64 { inputUncached + cacheRead + cacheWrite }

    /// Input plus output.
    public var total: Int64 { inputTotal + output }

    /// Output tokens that are not reasoning.
    public var outputText: Int64 { max(0, output - reasoning) }

    /// Zero usage.
    public static let zero = TokenUsage()
}
