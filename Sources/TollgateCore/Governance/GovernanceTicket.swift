/// What policy changes in a request.
public struct PolicyVerdict: Sendable {
    /// The `max_tokens` the call will carry (injected or clamped), nil when none.
    public var maxTokens: Int64?
    /// Redactors to apply to the body, in order.
    public var redactors: [PIIRedactor] = []
    /// Whether policy explicitly allows (true) or forbids (false) unpriced models.
    public var allowUnpriced: Bool?
    /// Names of the policies that matched.
    public var policies: [String] = []

    /// Creates a verdict.
    public init(maxTokens: Int64?) {
        self.maxTokens = maxTokens
    }
}

/// The result of admission.
public enum AdmissionVerdict: Sendable {
    /// Forward the call; settle the ticket when it ends.
    case admitted(GovernanceTicket)
    /// Serve it with this model instead (a budget's downgrade action); admit again with the new facts.
    case downgrade(to: String, budget: String)
    /// Refuse it.
    case refused(GovernanceRefusal)
}

/// A call's reservations, held from admission to settlement.
public struct GovernanceTicket: Sendable {
    /// The facts it was admitted with.
    public var facts: RequestFacts
    /// `max_tokens` the gateway must add so a strict bound holds (the caller sent none).
    public var injectMaxTokens: Int64?
    /// Budget counters and the amount reserved on each.
    var budgetHolds: [BudgetHold] = []
    /// Rate-limit buckets and the tokens taken from each.
    var rateHolds: [RateHold] = []
    /// The trace's reservation.
    var traceHold: TraceHold?
    /// Output tokens every reservation covers: a stream below this needs no check.
    var outputTokensCovered: Int64 = 0
    /// The most output the call may produce (`max_tokens` × choices as sent), when it carries a cap.
    public internal(set) var outputBound: Int64?
    /// What the call's rate limit has left, for the caller.
    public var rateLimits: RateLimitSnapshot?
    /// Names of the budgets this call counts against.
    public var budgets: [String] = []

    /// A reservation on one budget counter.
    struct BudgetHold: Sendable {
        var counter: Governor.State.CounterKey
        var amount: Int64
        var limit: Int64
        /// Index of the budget in the rules it was admitted under.
        var budget: Int
    }

    /// Tokens taken from one rate-limit counter.
    struct RateHold: Sendable {
        var bucket: Governor.State.BucketKey
        var tokens: Int64
    }

    /// A trace's reservation.
    struct TraceHold: Sendable {
        var trace: String
        var tokens: Int64
        var cost: Int64
    }

    /// Creates an empty ticket (nothing reserved).
    public init(facts: RequestFacts) {
        self.facts = facts
    }

    /// Whether any reservation needs settling.
    public var holdsAnything: Bool { !budgetHolds.isEmpty || !rateHolds.isEmpty || traceHold != nil }

    /// The smallest amount reserved on a budget, which a stream's running cost may reach before it must extend.
    public var reservedCostNano: Int64? { budgetHolds.map(\.amount).min() ?? traceHold?.cost }
}

/// A budget counter's state.
public struct BudgetStatus: Sendable, Hashable, Codable {
    /// Budget name.
    public var budget: String
    /// Counter within the budget.
    public var scopeKey: String
    /// Period label.
    public var period: String
    /// Settled spend, nano-USD.
    public var spentNanoUSD: Int64
    /// Reserved by calls in flight, nano-USD.
    public var reservedNanoUSD: Int64
    /// The limit, nano-USD.
    public var limitNanoUSD: Int64
    /// When the period ends (ms since 1970), nil for lifetime and rolling budgets.
    public var resetsAtMs: Int64?
    /// Reservation mode.
    public var mode: String
    /// Most the settled spend went past the limit, nano-USD (estimate mode).
    public var overshootNanoUSD: Int64
}
