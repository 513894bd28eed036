public import TollgateCore

/// What a context budget made of a request body (``ContextCompactor/compact(_:dialect:rule:)``).
public enum ContextBudgetOutcome: Sendable, Hashable {
    /// The body is within the budget: forward it as it is.
    case fits(tokens: Int64)
    /// The body was not read (not JSON, or not a conversation of its dialect): forward it as it is; the
    /// reason says why.
    case unreadable(reason: String)
    /// The body was over the budget and the rule's strategies were tried.
    case compacted(ContextCompaction)
}

/// The strategies' work on an over-budget body: the body to forward, and what it cost and saved.
public struct ContextCompaction: Sendable, Hashable {
    /// The body to forward: the caller's, with only the edited values changed (the caller's bytes when
    /// no strategy changed anything).
    public var body: [UInt8]
    /// The budget, in input tokens.
    public var budget: Int64
    /// The input tokens of the caller's body, estimated as the gateway estimates them for admission.
    public var tokensBefore: Int64
    /// The input tokens of ``body``, estimated the same way.
    public var tokensAfter: Int64
    /// The strategies that changed the body, in the order they were applied.
    public var applied: [ContextStrategy]
    /// The messages the strategies removed (repeated instructions, older turns).
    public var droppedMessages: Int
    /// The estimated tokens of the protected prefix of ``body`` (the system prompt and the messages
    /// never edited), all of them kept.
    public var protectedTokens: Int64
    /// The part of ``protectedTokens`` a provider's prompt cache can serve: up to the last Anthropic
    /// `cache_control` breakpoint (0 without one), or OpenAI's leading system and developer messages
    /// (OpenAI caches prefixes of 1,024 tokens and more on its own).
    public var cachedPrefixTokens: Int64
    /// The summary the `summarize` strategy would write, when the rule reached it; no model was called.
    public var summary: ContextSummaryPlan?

    /// Whether ``body`` is within the budget.
    public var fits: Bool { tokensAfter <= budget }
    /// Whether ``body`` differs from the caller's.
    public var isChanged: Bool { !applied.isEmpty }
}

/// The turns the `summarize` strategy would replace by a summary, for the caller to write with a model call.
public struct ContextSummaryPlan: Sendable, Hashable {
    /// The positions in the `messages` of ``ContextCompaction/body`` that the summary replaces.
    public var messages: Range<Int>
    /// Their estimated tokens.
    public var tokens: Int64
    /// The model that writes the summary.
    public var model: String
    /// The summary's output cap.
    public var maxTokens: Int
    /// The body's estimated tokens with the summary in place, at most.
    public var projectedTokens: Int64
}
