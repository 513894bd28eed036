public import TollgateCore

/// The context-budget lever's pure core: shrinks a request body that carries more input tokens than a
/// rule allows, one strategy after another in the rule's order, until it fits.
///
/// It edits the body surgically, as ``RequestRewrite`` does: each edited value (a tool result, a tool
/// call's arguments, the separators around a removed message) is replaced where it stands, and every
/// other byte passes through as the caller sent it. It never
/// - edits or drops the protected prefix: the system prompt, tools, and the messages up to and including
///   the last Anthropic `cache_control` breakpoint (OpenAI: the leading system and developer messages),
///   so a provider's prompt cache still matches it;
/// - drops or cuts the latest input: the last `user` message (and, for OpenAI, the tool results that end
///   the conversation);
/// - separates a tool call from its result, or leaves the roles out of the order they had.
///
/// Tokens are counted as the gateway estimates them for admission (``RouteKind/probe(bytes:)``), so
/// "fits" here means what the gateway will measure, and a caller that already has the probe's
/// `estimatedInputTokens` need not call this for a request within the budget (reading the body costs
/// about as much as the probe).
///
/// ```swift
/// switch ContextCompactor.compact(body, dialect: .anthropic, rule: rule) {
/// case .fits, .unreadable: forward(body)
/// case .compacted(let result): result.fits || rule.onOverBudget == .forward ? forward(result.body) : refuse()
/// }
/// ```
public enum ContextCompactor {
    /// Fits a request body to a rule's budget.
    /// - Parameters:
    ///   - body: The request body (OpenAI chat completions, or Anthropic messages).
    ///   - dialect: Its dialect.
    ///   - rule: The budget and its strategies.
    /// - Returns: ``ContextBudgetOutcome/fits(tokens:)`` when the body is within the budget,
    ///   ``ContextBudgetOutcome/unreadable(reason:)`` when it cannot be read as a conversation, and otherwise
    ///   the strategies' result, which says whether it now fits.
    public static func compact(_ body: [UInt8], dialect: Dialect, rule: ContextBudgetRule) -> ContextBudgetOutcome {
        let original: ContextConversation
        do {
            original = try ContextConversation(bytes: body, dialect: dialect)
        } catch {
            return .unreadable(reason: error.reason)
        }
        let budget = Int64(rule.maxInputTokens)
        let before = original.tokens
        if before <= budget { return .fits(tokens: before) }
        var state = original
        var applied: [ContextStrategy] = []
        var summary: ContextSummaryPlan?
        for strategy in rule.strategies where state.tokens > budget {
            if strategy == .summarize {
                summary = summaryPlan(state, rule: rule)
                break
            }
            guard let edits = edits(strategy, state, rule: rule), !edits.isEmpty else { continue }
            // The edits leave valid JSON; should they not, the last good body is kept rather than a mangled one.
            guard let next = try? ContextConversation(bytes: edits.applied(), dialect: dialect, protectedCount: original.protectedCount)
            else { break }
            state = next
            applied.append(strategy)
        }
        return .compacted(
            ContextCompaction(
                body: state.document.bytes, budget: budget, tokensBefore: before, tokensAfter: state.tokens, applied: applied,
                droppedMessages: original.messages.count - state.messages.count, protectedTokens: state.protectedTokens,
                cachedPrefixTokens: state.prefixIsCached ? state.protectedTokens : 0, summary: summary))
    }

    /// One strategy's edits of the body; nil when it has nothing to change.
    static func edits(_ strategy: ContextStrategy, _ conversation: ContextConversation, rule: ContextBudgetRule) -> JSONEdits? {
        switch strategy {
        case .compactJSON: compactJSON(conversation)
        case .dedupeInstructions: dedupeInstructions(conversation)
        case .truncateToolResults: truncateToolResults(conversation, maxTokens: rule.maxToolResultTokens)
        case .keepLastTurns: keepLastTurns(conversation, turns: rule.keepLastTurns)
        case .summarize: nil
        }
    }
}
