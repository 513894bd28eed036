import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import TollgateCore
import TollgateProviders

/// The request pipeline: authenticate → attribute → admit → levers → forward → meter → record.
///
/// Each stage is its own type (``Authenticator``, ``Intake``, ``Attributor``, ``Admitter``, ``Levers``,
/// ``Forwarder``, ``Recorder``, ``StreamRelay``); this class holds them and runs a call through them.
/// One instance serves every route; routes differ only in their ``RouteKind`` (dialect, upstream
/// path, how usage is read).
public final class Gateway: Sendable {
    /// The resolved configuration.
    public let runtime: GatewayRuntime
    let metrics: GatewayMetrics
    /// The upstream clients and their connection pools; run them in the gateway's service group.
    public let upstreams: UpstreamPools
    let logger: Logger
    /// Admission control (budgets, limits, policies, kill switches).
    public let governor: Governor
    /// The caller keys accepted.
    public let keys: KeyRing
    /// The clock calls are dated with.
    let clock: WallClock
    let authenticator: Authenticator
    let intake: Intake
    let admitter: Admitter
    let forwarder: Forwarder
    let recorder: Recorder
    /// Delivers budget alerts; run it in the gateway's service group.
    public let alerts: AlertDelivery
    /// The levers in force (the response cache).
    let levers: LeverSettings

    /// Creates the pipeline.
    /// - Parameters:
    ///   - runtime: Resolved configuration.
    ///   - ledger: Where admissions and entries go.
    ///   - pricer: Prices entries with the dated catalog.
    ///   - metrics: Prometheus metrics.
    ///   - eventLoopGroup: Event loops for the upstream HTTP clients.
    ///   - logger: Logger (secrets are never logged).
    ///   - governor: Admission control; by default one over the runtime's rules that starts from zero spend.
    ///   - events: Where budget alerts are kept.
    ///   - managedKeys: Keys created through the admin API.
    ///   - clock: The clock calls are dated with.
    /// - Throws: When a provider's TLS context cannot be created.
    public init(
        runtime: GatewayRuntime, ledger: any LedgerSink, pricer: LedgerPricer, metrics: GatewayMetrics,
        eventLoopGroup: any EventLoopGroup, logger: Logger, governor: Governor? = nil, events: (any BudgetAlertStore)? = nil,
        managedKeys: [VirtualKey] = [], clock: WallClock = .system
    ) throws {
        self.runtime = runtime
        self.clock = clock
        let keys = KeyRing(configured: runtime.principals, managed: managedKeys)
        self.keys = keys
        let governor = governor ?? Governor(rules: runtime.governance, catalog: pricer.catalog)
        self.governor = governor
        self.metrics = metrics
        // Registered workflows and the keys' own teams and workflows keep their metric series.
        let principals = runtime.principals.values
        metrics.workflows.reserve(runtime.governance.registeredWorkflows.union(principals.compactMap(\.defaultWorkflow)))
        metrics.teams.reserve(Set(principals.compactMap(\.team)))
        self.logger = logger
        let upstreams = try UpstreamPools(providers: runtime.providers, eventLoopGroup: eventLoopGroup, logger: logger)
        self.upstreams = upstreams
        self.authenticator = Authenticator(keys: keys, clock: clock)
        let intake = Intake(maxBodyBytes: runtime.configuration.server.maxBodyBytes, models: runtime.models, providers: upstreams.providerNames)
        self.intake = intake
        let levers = LeverSettings(runtime.configuration.levers)
        self.levers = levers
        self.admitter = Admitter(governor: governor, intake: intake, routing: levers.routing)
        self.forwarder = Forwarder(upstreams: upstreams.clients)
        let alerts = AlertDelivery(
            events: events, webhook: runtime.configuration.governance.alerts.webhook, eventLoopGroup: eventLoopGroup, logger: logger)
        self.alerts = alerts
        self.recorder = Recorder(ledger: ledger, pricer: pricer, metrics: metrics, governor: governor, alerts: alerts, logger: logger)
    }

    /// Closes the upstream connection pools, for a gateway used without its service group
    /// (where ``upstreams`` closes them on graceful shutdown).
    public func shutdown() async {
        await upstreams.shutdown()
    }

    /// The principal behind the request's key (bearer token or `x-api-key`).
    /// - Throws: ``GatewayError`` 401 in the caller's dialect, saying when a key was revoked or has expired.
    func authenticate(_ headers: HTTPFields, dialect: Dialect) throws(GatewayError) -> Principal {
        try authenticator.principal(headers, dialect: dialect)
    }

    // MARK: - Pipeline

    /// Runs one call through the stages and answers it.
    func handle(_ request: Request, context: some RequestContext, route: RouteKind) async throws -> Response {
        var request = request
        let call = CallContext(route: route, clock: clock, logger: logger)
        // Who is calling comes first: an unauthenticated caller learns nothing else about the request.
        // An early answer reads at most a small body first (so the connection stays usable); the listener
        // closes a connection whose body is still arriving after the answer.
        let principal: Principal
        do {
            principal = try authenticator.principal(request.headers, dialect: call.dialect)
        } catch {
            await Self.discard(&request)
            throw error
        }
        let incoming = try await intake.read(&request, call: call)
        let attribution = try Attributor.attribution(principal, headers: incoming.headers, probe: incoming.probe, dialect: call.dialect)
        let directive = try ResponseCache.directive(incoming.headers, dialect: call.dialect)
        let admitted: Admitted
        switch await admitter.admit(incoming, principal: principal, attribution: attribution, call: call) {
        case .success(let value): admitted = value
        case .failure(let refused): throw await recorder.refuse(refused, incoming: incoming, call: call)
        }
        var outgoing = Levers.apply(incoming, admitted: admitted, route: route)
        try await fitContext(&outgoing, incoming: incoming, admitted: admitted, attribution: attribution, call: call)
        let cache = try cacheLookup(outgoing, incoming: incoming, admitted: admitted, attribution: attribution, directive: directive, call: call)
        if let cache, let answer = cache.answer {
            return await served(cache, answer: answer, incoming: incoming, admitted: admitted, attribution: attribution, call: call)
        }
        let admission = Self.admission(incoming, admitted: admitted, attribution: attribution, call: call)
        try await recorder.admit(admission, call: call, holding: admitted.streamGuard)
        let delivery = try await deliver(outgoing, incoming: incoming, admitted: admitted, principal: principal, attribution: attribution, call: call)
        let forwarded = forwardedCall(delivery, admission: admission, incoming: incoming, cache: cache, call: call)
        switch delivery.outcome {
        case .failure(let label, let timeout):
            throw await failed(forwarded, label: label, timeout: timeout)
        case .response(let response):
            if incoming.probe.stream && (200..<300).contains(response.status) { return stream(response, forwarded) }
            return try await answer(response, forwarded)
        }
    }

    /// The call as forwarded, with its entry before its ending is known: after a fallback, the entry names
    /// the model that served it, and the fallback is its lever (unless routing already was).
    func forwardedCall(_ delivery: Delivery, admission: Admission, incoming: IncomingCall, cache: CacheLookup?, call: CallContext) -> ForwardedCall {
        var outgoing = delivery.outgoing
        var served = admission
        if delivery.fallback != nil {
            served = Self.admission(incoming, admitted: delivery.admitted, attribution: admission.attribution, call: call)
        }
        var entry = Self.entry(served, outgoing: outgoing, routedFrom: delivery.admitted.routedFrom, attempts: delivery.attempts)
        entry.leversVersion = self.levers.version
        var levers: [(lever: String, rule: String)] = []
        if let route = delivery.admitted.route {
            levers.append(("routing", route.rule + ": " + route.reason))
        } else if let fallback = delivery.fallback {
            levers.append(("fallback", fallback.rule + ": " + fallback.reason))
            outgoing.routing = fallback
        }
        if let context = outgoing.context { levers.append(("context", context.note)) }
        if !levers.isEmpty {
            entry.lever = levers.map(\.lever).joined(separator: "+")
            entry.leverRule = levers.map(\.rule).joined(separator: "; ")
        }
        return ForwardedCall(
            call: call, incoming: incoming, outgoing: outgoing, streamGuard: delivery.admitted.streamGuard,
            cache: delivery.fallback == nil ? cache : nil, entry: entry)
    }

    /// The admission a call's entry will complete.
    static func admission(_ incoming: IncomingCall, admitted: Admitted, attribution: Attribution, call: CallContext) -> Admission {
        let model = admitted.model
        return Admission(
            id: call.id, timestampMs: call.startedMs, route: call.route.rawValue, provider: model.provider.configuration.name,
            requestedModel: model.name, upstreamModel: model.upstreamModel, priceModel: model.priceModel, stream: incoming.probe.stream,
            estimatedInputTokens: call.route == .countTokens ? 0 : incoming.probe.estimatedInputTokens, attribution: attribution,
            clientRetryCount: incoming.clientRetryCount, parentID: call.parentID)
    }

    /// A forwarded call's entry before its ending is known.
    static func entry(_ admission: Admission, outgoing: OutgoingCall, routedFrom: String?, attempts: [LedgerEntry.Attempt]) -> LedgerEntry {
        LedgerEntry(
            id: admission.id, timestampMs: admission.timestampMs, route: admission.route, provider: admission.provider,
            requestedModel: admission.requestedModel, servedModel: admission.upstreamModel, stream: admission.stream, status: .upstreamError,
            httpStatus: 502, usageSource: .none, attribution: admission.attribution, attempts: attempts, clientRetryCount: admission.clientRetryCount,
            routedFrom: routedFrom, governance: outgoing.notes.isEmpty ? nil : outgoing.notes.joined(separator: "; "),
            redactions: outgoing.redactions,
            parentID: admission.parentID)
    }
}
