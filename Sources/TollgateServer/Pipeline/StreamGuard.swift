import TollgateCore

/// The reservations a call holds from admission until it is settled. A stream checks its running
/// output against them before each event is passed on, extending them as it grows.
struct StreamGuard: Sendable {
    /// The governor that holds the counters.
    let governor: Governor
    /// The reservations (nil when nothing is governed).
    private(set) var ticket: GovernanceTicket?
    /// Whether a stream's output must be checked at all.
    let watchesOutput: Bool

    /// Creates a guard over a ticket.
    init(governor: Governor, ticket: GovernanceTicket?) {
        self.governor = governor
        self.ticket = ticket
        self.watchesOutput = ticket.map { !$0.budgets.isEmpty || $0.holdsAnything } ?? false
    }

    /// Checks that the reservations cover `outputTokens` of output, extending them where they can.
    /// - Returns: nil when the stream may go on; otherwise the rule that ends it (`budget:NAME` or `agent limit`).
    mutating func check(outputTokens: Int64) -> String? {
        guard watchesOutput, var held = ticket else { return nil }
        guard governor.continueStream(&held, outputTokens: outputTokens) else {
            return held.budgets.first.map { "budget:\($0)" } ?? "agent limit"
        }
        ticket = held
        return nil
    }
}
