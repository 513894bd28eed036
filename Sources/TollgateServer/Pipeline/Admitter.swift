import TollgateCore
import TollgateProviders

/// What admission decided for a call that may go ahead.
struct Admitted: Sendable {
    /// The model that serves the call (another one after a budget's downgrade).
    var model: GatewayRuntime.ResolvedModel
    /// The `max_tokens` the body must carry, when governance changes it.
    var maxTokens: Int?
    /// Redactors to run over the body.
    var redactors: [PIIRedactor] = []
    /// The model the caller asked for, when routed or downgraded.
    var routedFrom: String?
    /// The routing rule that moved the call to another model, if one did.
    var route: RouteDecision?
    /// What governance did, for the entry.
    var notes: [String] = []
    /// The reservations the call holds until it is settled (nil when nothing is governed).
    var streamGuard: StreamGuard
}

/// A refused call, with what its `blocked` entry records.
struct Refused: Error {
    var refusal: GovernanceRefusal
    var facts: RequestFacts
    var model: GatewayRuntime.ResolvedModel
    var routedFrom: String?
}

/// The admit stage: the one place that decides whether and where a call goes — the key's model
/// allowlist, kill switches, policies, rate and agent limits, the budget reservation, and routing
/// (a budget's downgrade is a routing decision, checked against the key like the model asked for).
///
/// Every decision is in memory; the only wait is loading an agent task's totals the first time the
/// process sees its trace.
struct Admitter: Sendable {
    /// Admission control.
    let governor: Governor
    /// Resolves the models a downgrade names.
    let intake: Intake
    /// The routing lever.
    let routing: ModelRouting

    /// Admits a call or says why not.
    func admit(_ incoming: IncomingCall, principal: Principal, attribution: Attribution, call: CallContext) async -> Result<Admitted, Refused> {
        let facts = Self.facts(incoming, model: incoming.model, attribution: attribution, route: call.route, nowMs: call.startedMs)
        if let refusal = Self.allowlistRefusal(principal, model: incoming.model) {
            return .failure(Refused(refusal: refusal, facts: facts, model: incoming.model))
        }
        var start = Admitted(model: incoming.model, streamGuard: StreamGuard(governor: governor, ticket: nil))
        let context = RoutingContext(intake: intake, governor: governor, principal: principal, route: call.route)
        if let decision = routing.decide(incoming, facts: facts, context: context) {
            start.model = decision.model
            start.route = decision
            start.routedFrom = incoming.model.name
            start.notes.append("routed from \(incoming.model.name) to \(decision.model.name) by rule \(decision.rule) (\(decision.reason))")
        }
        guard governor.isActive, call.route != .countTokens else { return .success(start) }
        let routed = Self.facts(incoming, model: start.model, attribution: attribution, route: call.route, nowMs: call.startedMs)
        await governor.prepare(routed)
        return govern(routed, incoming: incoming, start: start, principal: principal, route: call.route)
    }

    /// The facts governance decides on.
    static func facts(
        _ incoming: IncomingCall, model: GatewayRuntime.ResolvedModel, attribution: Attribution, route: RouteKind, nowMs: Int64
    ) -> RequestFacts {
        let probe = incoming.probe
        return RequestFacts(
            attribution: attribution, model: model.name, provider: model.provider.configuration.name, priceModel: model.priceModel,
            inputBytes: Int64(incoming.bytes.count), estimatedInputTokens: probe.estimatedInputTokens, maxTokens: probe.maxTokens.map(Int64.init),
            choices: Int64(probe.choices), stream: probe.stream, hasOutput: route.hasOutput, nowMs: nowMs)
    }

    /// Whether the key may call the model.
    static func allows(_ principal: Principal, _ model: GatewayRuntime.ResolvedModel) -> Bool {
        principal.allowedModels.map { $0.contains(model.name) } ?? true
    }

    /// The refusal of a model outside the key's allowlist.
    static func allowlistRefusal(_ principal: Principal, model: GatewayRuntime.ResolvedModel) -> GovernanceRefusal? {
        guard !allows(principal, model), let allowed = principal.allowedModels else { return nil }
        return GovernanceRefusal(
            code: .modelNotAllowed,
            message: "The key '\(principal.keyID)' may not call the model '\(model.name)' (allowed: \(allowed.sorted().joined(separator: ", "))).",
            rule: "key:\(principal.keyID)")
    }

    /// Runs policies, limits and budgets; follows at most one downgrade, re-checked like the first model.
    func govern(
        _ first: RequestFacts, incoming: IncomingCall, start: Admitted, principal: Principal, route: RouteKind
    ) -> Result<Admitted, Refused> {
        var facts = first
        var admitted = start
        for attempt in 0..<2 {
            let verdict: PolicyVerdict
            switch governor.policy(for: facts) {
            case .failure(let refusal):
                return .failure(Refused(refusal: refusal, facts: facts, model: admitted.model, routedFrom: admitted.routedFrom))
            case .success(let value):
                verdict = value
            }
            var capped = facts
            capped.maxTokens = verdict.maxTokens
            switch governor.admit(capped, allowUnpriced: verdict.allowUnpriced, allowDowngrade: attempt == 0) {
            case .refused(let refusal):
                return .failure(Refused(refusal: refusal, facts: facts, model: admitted.model, routedFrom: admitted.routedFrom))
            case .downgrade(let target, let budget):
                switch downgradeTarget(target, budget: budget, principal: principal, dialect: route.dialect) {
                case .failure(let refusal):
                    return .failure(Refused(refusal: refusal, facts: facts, model: admitted.model))
                case .success(let next):
                    admitted.notes.append("downgraded from \(admitted.model.name) to \(next.name) by budget:\(budget)")
                    admitted.routedFrom = incoming.model.name
                    admitted.model = next
                    facts = Self.facts(incoming, model: next, attribution: facts.attribution, route: route, nowMs: facts.nowMs)
                }
            case .admitted(let ticket):
                Self.apply(ticket, verdict: verdict, facts: facts, hasOutput: route.hasOutput, to: &admitted)
                return .success(admitted)
            }
        }
        // Unreachable: the second attempt never downgrades.
        return .success(admitted)
    }

    /// The model a budget downgrades to, when this route can serve it and the key may call it.
    func downgradeTarget(
        _ target: String, budget: String, principal: Principal, dialect: Dialect
    ) -> Result<GatewayRuntime.ResolvedModel, GovernanceRefusal> {
        guard let next = intake.models[target], intake.serves(next, dialect: dialect) else {
            return .failure(
                GovernanceRefusal(
                    code: .budgetExceeded, message: "Budget '\(budget)' is exhausted and its downgrade model '\(target)' cannot serve this route.",
                    rule: "budget:\(budget)"))
        }
        guard Self.allows(principal, next) else {
            return .failure(
                GovernanceRefusal(
                    code: .budgetExceeded, message: "Budget '\(budget)' is exhausted and this key may not call its downgrade model '\(target)'.",
                    rule: "budget:\(budget)"))
        }
        return .success(next)
    }

    /// Records what an admitted ticket asks of the call: the `max_tokens` to send, the redactors, the reservations.
    static func apply(_ ticket: GovernanceTicket, verdict: PolicyVerdict, facts: RequestFacts, hasOutput: Bool, to admitted: inout Admitted) {
        let send = ticket.injectMaxTokens ?? verdict.maxTokens
        if let send, send != facts.maxTokens, hasOutput {
            admitted.maxTokens = Int(send)
            admitted.notes.append(facts.maxTokens == nil ? "max_tokens=\(send) added" : "max_tokens clamped from \(facts.maxTokens!) to \(send)")
        }
        admitted.redactors = verdict.redactors
        admitted.streamGuard = StreamGuard(governor: admitted.streamGuard.governor, ticket: ticket)
    }
}
