public import Hummingbird
public import Logging
import NIOCore
import Prometheus
public import ServiceLifecycle
public import TollgateCore
import TollgateProviders

/// The request context for gateway routes.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}

/// Builds the gateway's HTTP application: proxy routes in both dialects, health, readiness and metrics.
///
/// - Parameters:
///   - gateway: The request pipeline.
///   - services: Services the app runs beside its server (the ledger journal first).
///   - isReady: Answers `/readyz`.
///   - onServerRunning: Called with the bound port once listening (tests use port 0).
///   - admin: The admin API, when the gateway has a store for it.
///   - logger: Logger.
///   - outcomes: Where `POST /v1/outcomes` records outcomes; without it the route is absent.
/// - Returns: An application; run it as a `Service`.
public func buildGatewayApplication(
    gateway: Gateway, services: [any Service] = [], isReady: @escaping @Sendable () -> Bool = { true },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }, admin: AdminAPI? = nil, logger: Logger,
    outcomes: (any OutcomeRecorder)? = nil
) -> some ApplicationProtocol {
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: UnknownRouteMiddleware())
    admin?.addRoutes(to: router, gateway: gateway)
    if let outcomes { router.addOutcomeRoute(gateway: gateway, recorder: outcomes) }
    router.post("/v1/chat/completions") { request, context in
        try await gateway.handle(request, context: context, route: .chatCompletions)
    }
    router.post("/v1/embeddings") { request, context in
        try await gateway.handle(request, context: context, route: .embeddings)
    }
    router.post("/v1/responses") { request, context in
        try await gateway.handle(request, context: context, route: .responses)
    }
    router.post("/v1/messages") { request, context in
        try await gateway.handle(request, context: context, route: .messages)
    }
    router.post("/v1/messages/count_tokens") { request, context in
        try await gateway.handle(request, context: context, route: .countTokens)
    }
    router.get("/v1/models") { request, _ -> Response in
        let dialect = Dialect.of(request)
        _ = try gateway.authenticate(request.headers, dialect: dialect)
        return gateway.modelList(dialect: dialect)
    }
    router.get("/v1/models/**") { request, context -> Response in
        let dialect = Dialect.of(request)
        _ = try gateway.authenticate(request.headers, dialect: dialect)
        return try gateway.model(context.parameters.getCatchAll().joined(separator: "/"), dialect: dialect)
    }
    router.get("/") { request, _ in GatewayIndex.response(for: request) }
    router.get("/healthz") { _, _ in "ok\n" }
    router.get("/readyz") { _, _ -> Response in
        isReady()
            ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
            : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "not ready\n")))
    }
    let metricsToken = gateway.runtime.configuration.server.metricsToken.map { Array($0.utf8) }
    router.get("/metrics") { request, _ -> Response in
        if let metricsToken, !BearerToken.presented(in: request.headers, matches: metricsToken) {
            return Response(
                status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                body: .init(byteBuffer: ByteBuffer(string: "/metrics needs the token set in server.metrics_token as a bearer token.\n")))
        }
        gateway.metrics.updateBudgets(gateway.governor.budgetStatus(nowMs: gateway.clock.nowMs()))
        gateway.metrics.updateCache(gateway.levers.cache.store)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: gateway.metrics.registry.emitToBuffer())))
    }
    let server = gateway.runtime.configuration.server
    return Application(
        router: router,
        configuration: .gateway(server),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? server.port) },
        logger: logger
    )
}
