import Synchronization
import TollgateCore
import TollgateProviders

/// What a context budget did to a call's body, for its entry.
struct ContextApplied: Sendable {
    /// The rule that applied.
    var rule: String
    /// Estimated input tokens before and after.
    var tokensBefore: Int64
    var tokensAfter: Int64
    /// The strategies that changed the body, in order.
    var strategies: [ContextStrategy]

    /// The entry's note: `context budget support-agent: 3855 → 536 input tokens (compact_json, keep_last_turns)`.
    var note: String {
        "context budget \(rule): \(tokensBefore) → \(tokensAfter) input tokens (\(strategies.map(\.rawValue).joined(separator: ", ")))"
    }
}

/// The context budgets in force. Reloaded with the configuration.
final class ContextBudgets: Sendable {
    private let rules: Mutex<[ContextBudgetRule]>

    /// Budgets with the given rules.
    init(_ rules: [ContextBudgetRule]) {
        self.rules = Mutex(rules)
    }

    /// Puts new rules in force.
    func reload(_ rules: [ContextBudgetRule]) {
        self.rules.withLock { $0 = rules }
    }

    /// The first rule that applies to a request, if any.
    /// - Parameter facts: Built only when a rule is configured, so calls pay nothing while the lever is off.
    func rule(for facts: @autoclosure () -> RequestFacts) -> ContextBudgetRule? {
        let rules = rules.withLock { $0 }
        guard !rules.isEmpty else { return nil }
        let facts = facts()
        return rules.first { $0.match.key(for: facts) != nil }
    }
}

extension Gateway {
    /// Brings a call over its context budget under it with the rule's strategies (deterministic: no model
    /// call), before it is forwarded. A call within its budget is not read again; a body the strategies
    /// cannot bring under the budget is forwarded exactly as sent, or refused when the rule says
    /// `on_over_budget: refuse` (its reservations released) — never sent half-compacted.
    /// - Throws: ``GatewayError`` 400 `context_over_budget` for a refused call (recorded as a `blocked` entry).
    func fitContext(
        _ outgoing: inout OutgoingCall, incoming: IncomingCall, admitted: Admitted, attribution: Attribution, call: CallContext
    ) async throws(GatewayError) {
        guard call.route == .chatCompletions || call.route == .messages else { return }
        func facts() -> RequestFacts {
            Admitter.facts(incoming, model: admitted.model, attribution: attribution, route: call.route, nowMs: call.startedMs)
        }
        guard let rule = levers.context.rule(for: facts()), incoming.probe.estimatedInputTokens > Int64(rule.maxInputTokens) else { return }
        switch ContextCompactor.compact(outgoing.bytes, dialect: call.dialect, rule: rule) {
        case .fits:
            return
        case .unreadable(let reason):
            metrics.recordContext(rule: rule.name, result: "unreadable", removed: 0)
            outgoing.notes.append("context budget \(rule.name): left as sent (\(reason))")
        case .compacted(let result) where result.fits:
            outgoing.bytes = result.body
            outgoing.edited = true
            let applied = ContextApplied(
                rule: rule.name, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter, strategies: result.applied)
            outgoing.context = applied
            outgoing.notes.append(applied.note)
            metrics.recordContext(rule: rule.name, result: "compacted", removed: result.tokensBefore - result.tokensAfter)
        case .compacted(let result):
            metrics.recordContext(rule: rule.name, result: "over_budget", removed: 0)
            guard rule.onOverBudget == .refuse else {
                outgoing.notes.append(
                    "context budget \(rule.name): over budget after every strategy (\(result.tokensAfter) tokens); forwarded as sent")
                return
            }
            if let ticket = admitted.streamGuard.ticket { governor.release(ticket) }
            let refusal = GovernanceRefusal(
                code: .init(rawValue: RequestError.Code.contextOverBudget.rawValue),
                message: "The request carries \(result.tokensBefore) input tokens; context budget '\(rule.name)' allows \(rule.maxInputTokens) "
                    + "and its strategies brought it to \(result.tokensAfter) at best, so it was not sent.",
                rule: "context:\(rule.name)")
            throw await recorder.refuse(
                Refused(refusal: refusal, facts: facts(), model: admitted.model, routedFrom: admitted.routedFrom), incoming: incoming, call: call)
        }
    }
}
