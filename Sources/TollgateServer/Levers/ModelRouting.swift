import Synchronization
import TollgateCore
import TollgateProviders

/// Where a routing rule sent a call, and why.
struct RouteDecision: Sendable {
    /// The rule that decided.
    var rule: String
    /// The model that serves the call.
    var model: GatewayRuntime.ResolvedModel
    /// The model the caller asked for: its cost with the call's usage is the call's counterfactual.
    var requested: GatewayRuntime.ResolvedModel
    /// How the model was chosen, for the entry (`tier small: cheapest of 3 that fit`).
    var reason: String
    /// The lever that decided: `routing`, or `fallback` when the first model could not serve the call.
    var lever = "routing"
}

/// What a routing decision may consult about the gateway at admission.
struct RoutingContext {
    /// The configured models and the routes they serve.
    let intake: Intake
    /// Policies and kill switches, and the catalog the call is priced with.
    let governor: Governor
    /// The caller.
    let principal: Principal
    /// The route called.
    let route: RouteKind
}

/// The routing lever: the first rule of `levers.routing` that matches a call picks its model — a
/// named model, the cheapest fitting model of a tier — among models the call may use (the route's
/// dialect, the key's allowlist, policies and kill switches). A target that cannot serve the call
/// leaves it on the model asked for. Reloaded with the configuration.
final class ModelRouting: Sendable {
    private let configuration: Mutex<RoutingConfiguration>

    /// Routing with the given settings.
    init(_ configuration: RoutingConfiguration) {
        self.configuration = Mutex(configuration)
    }

    /// Puts new settings in force.
    func reload(_ configuration: RoutingConfiguration) {
        self.configuration.withLock { $0 = configuration }
    }

    /// The decision for a call, or nil when no rule moves it.
    func decide(_ incoming: IncomingCall, facts: RequestFacts, context: RoutingContext) -> RouteDecision? {
        let settings = configuration.withLock { $0 }
        guard !settings.rules.isEmpty, context.route != .countTokens else { return nil }
        var document: JSONDocument?
        func body() -> JSONDocument? {
            if document == nil { document = try? JSONDocument(parsing: incoming.bytes) }
            return document
        }
        var known: RequestTraits?
        func traits() -> RequestTraits {
            if let known { return known }
            let traits = body().map(RequestTraits.init(body:)) ?? RequestTraits()
            known = traits
            return traits
        }
        guard let rule = settings.rule(for: facts, traits: traits()) else { return nil }
        let request = RouteRequest(estimatedInputTokens: facts.estimatedInputTokens, maxTokens: facts.maxTokens, traits: traits())
        let chosen: (name: String, reason: String)?
        switch rule.target {
        case .model(let name):
            chosen = candidate(name, facts: facts, context: context).flatMap { TierChoice.fits($0, request) ? (name, "to \(name)") : nil }
        case .tier(let tier):
            let names = settings.tiers[tier] ?? []
            let candidates = names.compactMap { candidate($0, facts: facts, context: context) }
            chosen = TierChoice.cheapest(candidates, for: request).map {
                ($0.name, "tier \(tier): cheapest of \(candidates.filter { TierChoice.fits($0, request) }.count) that fit")
            }
        case .router:
            chosen = nil
        }
        guard let chosen, chosen.name != incoming.model.name, let model = context.intake.models[chosen.name] else { return nil }
        return RouteDecision(rule: rule.name, model: model, requested: incoming.model, reason: chosen.reason)
    }

    /// A configured model as a candidate for this call: usable when the route can serve it, the key may
    /// call it and no policy or kill switch refuses it.
    func candidate(_ name: String, facts: RequestFacts, context: RoutingContext) -> RouteCandidate? {
        guard let model = context.intake.models[name] else { return nil }
        var candidateFacts = facts
        candidateFacts.model = model.name
        candidateFacts.provider = model.provider.configuration.name
        candidateFacts.priceModel = model.priceModel
        let usable =
            context.intake.serves(model, dialect: context.route.dialect) && Admitter.allows(context.principal, model)
            && (try? context.governor.policy(for: candidateFacts).get()) != nil
        let price = context.governor.catalog.price(for: model.priceModel, at: facts.nowMs / 1_000)
        return RouteCandidate(name: model.name, price: price, usable: usable)
    }
}
