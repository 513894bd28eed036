import Synchronization

/// Admission control: kill switches, policies, rate limits, agent limits and budget reservations.
///
/// All counters live in memory behind one lock, so a decision never waits for I/O and concurrent
/// requests cannot both take the last dollar: ``admit(_:allowDowngrade:)`` checks every applicable
/// limit and reserves against all of them in one critical section, or reserves nothing.
/// ``settle(_:entry:)`` replaces the reservation with the real cost. Settled spend is reloaded from
/// the ledger at start-up, so budgets survive restarts; reservations do not (a crash releases them,
/// and recovery records the interrupted calls' estimated cost as spend).
public final class Governor: Sendable {
    let state: Mutex<State>
    public let catalog: PriceCatalog
    let source: (any SpendSource)?

    /// Creates a governor that starts from zero: no spend settled before it, no ledger to read (tests, dry runs).
    /// - Parameters:
    ///   - rules: Compiled governance rules.
    ///   - catalog: Prices reservations are computed with (the same catalog that prices entries).
    public init(rules: GovernanceRules, catalog: PriceCatalog) {
        self.catalog = catalog
        self.source = nil
        self.state = Mutex(State(rules: rules))
    }

    /// Creates a governor and loads the current periods' spend and the alerts already raised from `source`.
    /// - Parameters:
    ///   - rules: Compiled governance rules.
    ///   - catalog: Prices reservations are computed with (the same catalog that prices entries).
    ///   - source: The ledger, for spend already settled and for traces.
    ///   - nowMs: The current time.
    public init(rules: GovernanceRules, catalog: PriceCatalog, source: any SpendSource, nowMs: Int64) async throws {
        self.catalog = catalog
        self.source = source
        var state = State(rules: rules)
        try await state.preload(from: source, identities: Set(rules.budgets.map(\.identity)), nowMs: nowMs)
        self.state = Mutex(state)
    }

    /// The rules in force.
    public var rules: GovernanceRules { state.withLock { $0.rules } }

    /// Replaces the rules without a restart. Counters of budgets whose name, scope and period are
    /// unchanged carry over (with their reservations); new budgets load their spend from the ledger.
    public func reload(_ rules: GovernanceRules, nowMs: Int64) async throws {
        let known = state.withLock { state in Set(state.rules.budgets.map(\.identity)) }
        let fresh = Set(rules.budgets.map(\.identity)).subtracting(known)
        var loaded = State(rules: rules)
        if let source, !fresh.isEmpty { try await loaded.preload(from: source, identities: fresh, nowMs: nowMs) }
        state.withLock { state in
            let keep = Set(rules.budgets.map(\.identity))
            state.rules = rules
            state.windows = [:]
            state.budgets = state.budgets.filter { keep.contains($0.key.identity) }.merging(loaded.budgets) { old, _ in old }
            state.firedAlerts.formUnion(loaded.firedAlerts)
            let limitNames = Set(rules.rateLimits.map(\.name))
            state.buckets = state.buckets.filter { limitNames.contains($0.key.rule) }
        }
    }

    // MARK: - Policy

    /// Applies kill switches and policies: the checks that need no counters.
    /// - Parameter facts: The request (``RequestFacts/maxTokens`` is what the caller asked for).
    /// - Returns: What to change in the request, or why it is refused.
    public func policy(for facts: RequestFacts) -> Result<PolicyVerdict, GovernanceRefusal> {
        let (rules, killSwitches) = state.withLock { ($0.rules, $0.killSwitches) }
        let targets: [KillSwitch.Target] = [
            facts.attribution.workflow.map { .init(kind: .workflow, name: $0) }, .init(kind: .provider, name: facts.provider),
            .init(kind: .model, name: facts.model),
        ].compactMap { $0 }
        for target in targets {
            if let kill = killSwitches[target] ?? rules.killSwitches[target] {
                return .failure(
                    GovernanceRefusal(
                        code: .killSwitch,
                        message: "The \(target.text) is switched off by \(kill.by): \(kill.reason)", rule: "kill_switch:\(target.kind.rawValue)"))
            }
        }
        var verdict = PolicyVerdict(maxTokens: facts.maxTokens)
        var defaultMax: Int64?
        var ceiling: Int64?
        for policy in rules.policies where policy.rule.match.key(for: facts) != nil {
            let rule = policy.rule
            verdict.policies.append(rule.name)
            if let allowed = rule.allowModels, !allowed.contains(facts.model) {
                return .failure(
                    GovernanceRefusal(
                        code: .modelNotAllowed,
                        message: "Policy '\(rule.name)' does not allow the model '\(facts.model)' (allowed: \(allowed.joined(separator: ", "))).",
                        rule: "policy:\(rule.name)"))
            }
            if rule.requireRegisteredWorkflow == true {
                guard let workflow = facts.attribution.workflow, rules.workflows[workflow] != nil else {
                    let name = facts.attribution.workflow.map { "The workflow '\($0)' is" } ?? "A call without a workflow is"
                    return .failure(
                        GovernanceRefusal(
                            code: .workflowNotRegistered,
                            message: "\(name) not registered; policy '\(rule.name)' only admits registered workflows (send x-tollgate-workflow).",
                            rule: "policy:\(rule.name)"))
                }
            }
            if let limit = rule.maxInputTokens, facts.estimatedInputTokens > limit {
                return .failure(
                    GovernanceRefusal(
                        code: .inputTooLarge,
                        message: "The prompt is about \(facts.estimatedInputTokens) tokens; policy '\(rule.name)' allows at most \(limit).",
                        rule: "policy:\(rule.name)"))
            }
            if let value = rule.defaultMaxTokens { defaultMax = min(defaultMax ?? value, value) }
            if let value = rule.maxOutputTokens { ceiling = min(ceiling ?? value, value) }
            if let allow = rule.allowUnpriced { verdict.allowUnpriced = (verdict.allowUnpriced ?? true) && allow }
            if let redactor = policy.redactor { verdict.redactors.append(redactor) }
        }
        if verdict.maxTokens == nil { verdict.maxTokens = defaultMax }
        if let ceiling { verdict.maxTokens = min(verdict.maxTokens ?? ceiling, ceiling) }
        if verdict.allowUnpriced == false, catalog.price(for: facts.priceModel, at: facts.nowMs / 1_000)?.isPriced != true {
            return .failure(
                GovernanceRefusal(
                    code: .unpricedModel,
                    message: "The model '\(facts.model)' has no price, and policy does not allow unpriced models.", rule: "policy:unpriced"))
        }
        return .success(verdict)
    }

    // MARK: - Admission

    /// Checks rate limits, agent limits and budgets, and reserves against all of them at once.
    /// - Parameters:
    ///   - facts: The request after policy (``RequestFacts/maxTokens`` as it will be sent).
    ///   - allowUnpriced: Whether policy explicitly allows unpriced models.
    ///   - allowDowngrade: False on the second attempt, after a downgrade.
    public func admit(_ facts: RequestFacts, allowUnpriced: Bool? = nil, allowDowngrade: Bool = true) -> AdmissionVerdict {
        let rules = state.withLock { $0.rules }
        guard rules.hasCounters else { return .admitted(GovernanceTicket(facts: facts)) }
        let budgetFacts = Self.budgetFacts(facts, registry: rules)
        let budgets = rules.budgets.indices.compactMap { i in rules.budgets[i].rule.scope.key(for: budgetFacts).map { (i, $0) } }
        let agentLimits = facts.attribution.traceID == nil ? [] : rules.agentLimits.filter { $0.rule.scope.key(for: facts) != nil }
        let rateLimits = rules.rateLimits.compactMap { rule in rule.scope.key(for: facts).map { (rule, $0) } }

        // The output bound: the caller's (after policy), else the model's maximum when a strict limit needs one.
        let needsBound =
            budgets.contains { rules.budgets[$0.0].rule.mode == .strict }
            || agentLimits.contains { $0.rule.maxTokens != nil || $0.maxCostNano != nil }
        var ticket = GovernanceTicket(facts: facts)
        let price = catalog.price(for: facts.priceModel, at: facts.nowMs / 1_000)
        var outputBound = facts.hasOutput ? facts.maxTokens : 0
        if outputBound == nil && needsBound {
            outputBound = price?.maxOutputTokens ?? Self.fallbackOutputBound
            ticket.injectMaxTokens = outputBound
        }
        // Clamped so that no caller-sent `max_tokens` can overflow the counters' arithmetic.
        let outputTokensBound = outputBound.map { min(max(0, $0), Self.maxOutputBound) * min(max(1, facts.choices), 128) }
        ticket.outputBound = outputTokensBound
        let worstTokens = facts.inputBytes + (outputTokensBound ?? 0)
        let worstCost = outputTokensBound.flatMap { Self.worstCaseCost(price, facts, outputTokens: $0) }
        let needsPrice = !budgets.isEmpty || agentLimits.contains { $0.maxCostNano != nil }
        if needsPrice && worstCost == nil && price?.isPriced != true {
            if allowUnpriced != true {
                return .refused(
                    GovernanceRefusal(
                        code: .unpricedModel,
                        message:
                            "The model '\(facts.model)' has no price, so its budgets cannot be enforced; a policy must allow unpriced models explicitly.",
                        rule: "policy:unpriced"))
            }
        }
        return state.withLock { state in
            state.admit(
                facts, ticket: ticket, budgets: budgets, agentLimits: agentLimits, rateLimits: rateLimits, worstCost: worstCost,
                worstTokens: worstTokens, outputBound: outputTokensBound, catalog: catalog, allowDowngrade: allowDowngrade)
        }
    }

    /// Loads the totals of the call's agent task (trace) from the ledger the first time this process
    /// sees it, so agent limits hold across restarts. Call it before ``admit(_:allowUnpriced:allowDowngrade:)``;
    /// it reads once per trace, outside the lock, and only when agent limits are configured.
    public func prepare(_ facts: RequestFacts) async {
        guard let source, let trace = facts.attribution.traceID else { return }
        let applies = state.withLock { state in
            state.traces[trace] == nil && !state.rules.agentLimits.isEmpty
        }
        guard applies, let totals = try? await source.traceTotals(trace) else { return }
        state.withLock { state in
            guard state.traces[trace] == nil else { return }
            state.traces[trace] = State.TraceCounter(
                calls: totals.calls, tokens: totals.tokens, cost: totals.costNanoUSD, firstMs: totals.firstMs, lastMs: facts.nowMs)
        }
    }

    /// Output tokens assumed when a strict limit needs a bound and neither the caller, the policy nor the catalog gives one.
    public static let fallbackOutputBound: Int64 = 4_096

    /// The largest output bound a reservation uses (2^32 tokens): far above any model's output, small
    /// enough that bounds, counters and costs never overflow.
    static let maxOutputBound: Int64 = 1 << 32

    /// The facts budgets are matched on: a workflow the caller only declared counts as the
    /// call's workflow for budgets where the registry lets the key's team use it (a registered
    /// workflow of that team, or of no team); otherwise budgets see no workflow, so one team cannot
    /// spend another team's workflow budget by naming it in a header.
    static func budgetFacts(_ facts: RequestFacts, registry rules: GovernanceRules) -> RequestFacts {
        guard facts.attribution.declared.contains(.workflow), let workflow = facts.attribution.workflow else { return facts }
        if let definition = rules.workflows[workflow], definition.team == nil || definition.team == facts.attribution.team { return facts }
        var trusted = facts
        trusted.attribution.workflow = nil
        return trusted
    }

    /// The most a call can cost: every input token at the dearest input rate (cache writes included),
    /// every output token at the dearest output rate, at the highest threshold tier the prompt could
    /// reach, rounded up to the nano. Nil when the model is unpriced.
    static func worstCaseCost(_ price: ModelPrice?, _ facts: RequestFacts, outputTokens: Int64) -> Int64? {
        guard let price, price.isPriced, let rates = try? price.resolvedRates(promptTokens: facts.inputBytes) else { return nil }
        let inputRate = [rates.input, rates.cacheRead, rates.cacheWrite, rates.cacheWrite1h].compactMap { $0?.units }.max()
        let outputRate = [rates.output, rates.reasoning].compactMap { $0?.units }.max()
        return nanoRoundedUp(input: facts.inputBytes, at: inputRate, output: outputTokens, at: outputRate)
    }

    /// A calibrated estimate of a call's cost: estimated input at the uncached input rate, output at the
    /// output rate, thresholds applied, rounded up. Nil when the model is unpriced.
    func estimatedCost(_ facts: RequestFacts, outputTokens: Int64) -> Int64? {
        Self.estimatedCost(catalog: catalog, facts, outputTokens: outputTokens)
    }

    static func estimatedCost(catalog: PriceCatalog, _ facts: RequestFacts, outputTokens: Int64) -> Int64? {
        guard let price = catalog.price(for: facts.priceModel, at: facts.nowMs / 1_000), price.isPriced,
            let rates = try? price.resolvedRates(promptTokens: facts.estimatedInputTokens)
        else { return nil }
        return nanoRoundedUp(input: facts.estimatedInputTokens, at: rates.input?.units, output: outputTokens, at: rates.output?.units)
    }

    /// `input × inputRate + output × outputRate` (rates in ``USDRate`` units per token), rounded up to
    /// nano-USD; `Int64.max` when it does not fit.
    static func nanoRoundedUp(input: Int64, at inputRate: Int128?, output: Int64, at outputRate: Int128?) -> Int64 {
        let (a, o1) = Int128(input).multipliedReportingOverflow(by: inputRate ?? 0)
        let (b, o2) = Int128(output).multipliedReportingOverflow(by: outputRate ?? 0)
        let (total, o3) = a.addingReportingOverflow(b)
        guard !o1, !o2, !o3 else { return Int64.max }
        let unitsPerNano = ExactDecimal.powerOfTen(USDRate.fractionalDigits - 9)
        let nano = total / unitsPerNano + (total % unitsPerNano > 0 ? 1 : 0)
        return nano > Int128(Int64.max) ? Int64.max : Int64(nano)
    }

    // MARK: - Streams and settlement

    /// Grows a streaming call's reservations to its running cost. Returns false when a hard limit
    /// would be crossed: the caller ends the stream there.
    public func extend(_ ticket: inout GovernanceTicket, runningCostNano: Int64, runningTokens: Int64) -> Bool {
        state.withLock { $0.extend(&ticket, runningCost: runningCostNano, runningTokens: runningTokens) }
    }

    /// Checks a stream as it runs: grows its reservations to the running cost estimated from the
    /// output streamed so far. Returns false when a budget or agent limit cannot cover it: the
    /// caller ends the stream there; checked before each event is passed on, the overshoot is
    /// bounded by one event.
    public func continueStream(_ ticket: inout GovernanceTicket, outputTokens: Int64) -> Bool {
        guard !ticket.budgetHolds.isEmpty || ticket.traceHold != nil else { return true }
        // The provider generates no more than the cap the call carries: an estimate above it (text
        // denser than the estimator's four bytes per token) is still within what was reserved.
        let outputTokens = min(outputTokens, ticket.outputBound ?? .max)
        if outputTokens <= ticket.outputTokensCovered { return true }
        let cost = estimatedCost(ticket.facts, outputTokens: outputTokens) ?? 0
        let tokens = ticket.facts.estimatedInputTokens + outputTokens
        if cost <= (ticket.reservedCostNano ?? .max) && tokens <= (ticket.traceHold?.tokens ?? .max) { return true }
        return extend(&ticket, runningCostNano: cost, runningTokens: tokens)
    }

    /// Replaces a call's reservations with its real cost and usage; returns the threshold alerts it crossed.
    @discardableResult
    public func settle(_ ticket: GovernanceTicket, entry: LedgerEntry) -> [BudgetAlert] {
        state.withLock { $0.settle(ticket, entry: entry) }
    }

    /// Releases a call's reservations without spend (it was never forwarded).
    public func release(_ ticket: GovernanceTicket) {
        state.withLock { state in _ = state.settle(ticket, cost: 0, tokens: 0, outputTokens: nil, atMs: ticket.facts.nowMs) }
    }

    /// Counters of every budget in its current period.
    public func budgetStatus(nowMs: Int64) -> [BudgetStatus] {
        state.withLock { $0.status(nowMs: nowMs) }
    }

    /// Switches a workflow, provider or model off (or replaces the switch's reason).
    public func setKillSwitch(_ kill: KillSwitch) {
        state.withLock { $0.killSwitches[kill.target] = kill }
    }

    /// Switches a target back on; returns the switch removed, if there was one.
    @discardableResult
    public func clearKillSwitch(_ target: KillSwitch.Target) -> KillSwitch? {
        state.withLock { $0.killSwitches.removeValue(forKey: target) }
    }

    /// Kill switches in force: the admin API's and the configuration's.
    public var killSwitches: [KillSwitch] {
        state.withLock { state in
            Array(state.rules.killSwitches.merging(state.killSwitches) { _, admin in admin }.values).sorted { $0.target.text < $1.target.text }
        }
    }

    /// Whether any rule or kill switch needs checking on each request.
    public var isActive: Bool {
        state.withLock { !$0.rules.isEmpty || !$0.killSwitches.isEmpty }
    }

    /// The largest overshoot seen on any budget counter (estimate mode), nano-USD.
    public var maxOvershootNano: Int64 { state.withLock { $0.maxOvershoot } }
}
