import TollgateCore

/// `keep_last_turns` and `summarize`: the turns older than the last K go, or are planned for a summary.
extension ContextCompactor {
    /// Drops the turns between the protected prefix and the last `turns` turns; nil when there are no
    /// such turns, or when no cut keeps every tool call with its result and the roles in their order.
    static func keepLastTurns(_ conversation: ContextConversation, turns: Int) -> JSONEdits? {
        guard let older = conversation.olderTurns(keeping: turns) else { return nil }
        var edits = JSONEdits(conversation.document)
        edits.remove(elements: Set(older), from: conversation.messagesArray)
        return edits
    }

    /// The summary that would replace the turns `keep_last_turns` would drop; nil without summary
    /// settings or such turns.
    static func summaryPlan(_ conversation: ContextConversation, rule: ContextBudgetRule) -> ContextSummaryPlan? {
        guard let settings = rule.summarize, let older = conversation.olderTurns(keeping: rule.keepLastTurns) else { return nil }
        let replaced = conversation.messages[older].reduce(0) { $0 + $1.textBytes }
        let all = conversation.systemBytes + conversation.messages.reduce(0) { $0 + $1.textBytes }
        return ContextSummaryPlan(
            messages: older, tokens: TokenEstimator.tokens(byteCount: replaced), model: settings.model, maxTokens: settings.maxTokens,
            projectedTokens: TokenEstimator.tokens(byteCount: all - replaced) + Int64(settings.maxTokens))
    }
}

extension ContextConversation {
    /// Whether a message opens a turn: a `user` message that carries no tool results (those continue
    /// the turn whose calls they answer).
    func opensTurn(_ index: Int) -> Bool {
        messages[index].role == "user" && !messages[index].carriesToolResults
    }

    /// The messages before the last `count` turns and after the protected prefix (the messages between
    /// the prefix and the first turn count as a turn), moved earlier when the cut there would separate a
    /// tool call from its result or put the roles out of their order; nil when nothing can go.
    func olderTurns(keeping count: Int) -> Range<Int>? {
        let start = protectedCount
        guard start < messages.count else { return nil }
        let starts = [start] + (start + 1..<messages.count).filter(opensTurn)
        guard count >= 1, starts.count > count else { return nil }
        let wanted = starts[starts.count - count]
        for cut in stride(from: wanted, to: start, by: -1) where canDrop(start..<cut) {
            return start..<cut
        }
        return nil
    }

    /// Whether the messages in `dropped` can go: none is protected or the latest input, none shares a
    /// tool call with a message kept, and the message after them has the role the first of them had
    /// (for OpenAI, a message opening a turn will do), so the roles keep the order they had.
    func canDrop(_ dropped: Range<Int>) -> Bool {
        let next = dropped.upperBound
        guard next < messages.count, dropped.allSatisfy(isEditable) else { return false }
        let sameRole = messages[next].role == messages[dropped.lowerBound].role
        switch dialect {
        case .anthropic: guard sameRole else { return false }
        case .openai: guard sameRole || opensTurn(next), !messages[next].carriesToolResults else { return false }
        }
        let ids = messages[dropped].reduce(into: Set<String>()) { $0.formUnion($1.toolIDs) }
        if ids.isEmpty { return true }
        return messages.indices.allSatisfy { dropped.contains($0) || messages[$0].toolIDs.isDisjoint(with: ids) }
    }
}
