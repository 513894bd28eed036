import Foundation
public import Hummingbird
public import Logging
import NIOCore
import HTTPTypes
import NIOHTTP1
public import TollgateCore
import Synchronization
import TollgateProviders

/// The request pipeline: authenticate, attribute, admit, forward, meter, price, record.
///
/// One instance serves every route; routes differ only in their ``RouteKind`` (dialect, upstream
/// path, how usage is read).
public final class Gateway: Sendable {
    /// The resolved configuration.
    public let runtime: GatewayRuntime
    let ledger: any LedgerSink
    let pricer: LedgerPricer
    let metrics: GatewayMetrics
    let upstreams: [String: UpstreamClient]
    let logger: Logger
    /// Admission control (budgets, limits, policies, kill switches).
    public let governor: Governor
    /// The caller keys accepted.
    public let keys: KeyRing
    let events: (any GovernanceEventSink)?

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
    /// - Throws: When a provider's TLS context cannot be created.
    public init(
        runtime: GatewayRuntime, ledger: any LedgerSink, pricer: LedgerPricer, metrics: GatewayMetrics,
        eventLoopGroup: any EventLoopGroup, logger: Logger, governor: Governor? = nil, events: (any GovernanceEventSink)? = nil,
        managedKeys: [VirtualKey] = []
    ) throws {
        self.runtime = runtime
        self.keys = KeyRing(configured: runtime.principals, managed: managedKeys)
        self.governor =
            governor ?? (try! Governor(rules: runtime.governance, catalog: pricer.catalog, source: nil, nowMs: Self.nowMs()))
        self.events = events
        self.ledger = ledger
        self.pricer = pricer
        self.metrics = metrics
        // Registered workflows and the keys' own teams and workflows keep their metric series.
        let principals = runtime.principals.values
        metrics.workflows.reserve(runtime.governance.registeredWorkflows.union(principals.compactMap(\.defaultWorkflow)))
        metrics.teams.reserve(Set(principals.compactMap(\.team)))
        self.logger = logger
        var upstreams: [String: UpstreamClient] = [:]
        for (name, provider) in runtime.providers {
            upstreams[name] = try UpstreamClient(provider: provider, eventLoopGroup: eventLoopGroup, logger: logger)
        }
        self.upstreams = upstreams
    }

    /// Shuts the upstream clients down.
    public func shutdown() async {
        for client in upstreams.values { await client.shutdown() }
    }

    // MARK: - Pipeline

    func handle(_ request: Request, context: some RequestContext, route: RouteKind) async throws -> Response {
        let dialect = route.dialect
        let clock = ContinuousClock()
        let started = clock.now
        let startedMs = Self.nowMs()
        var request = request

        // Who is calling comes first: an unauthenticated caller learns nothing else about the request.
        // An early answer reads at most a small body first (so the connection stays usable); the listener
        // closes a connection whose body is still arriving after the answer.
        let principal: Principal
        do {
            principal = try authenticate(request.headers, dialect: dialect)
        } catch {
            await Self.discard(&request)
            throw error
        }
        guard Self.isJSON(request.headers[.contentType]) else {
            await Self.discard(&request)
            throw GatewayError(
                dialect: dialect,
                RequestError(status: 415, message: "Content-Type must be application/json.", code: "unsupported_media_type"))
        }
        let limit = runtime.configuration.server.maxBodyBytes
        let bodyBuffer: ByteBuffer
        do {
            bodyBuffer = try await Self.collect(&request, limit: limit)
        } catch {
            throw GatewayError(dialect: dialect, error)
        }
        let body = [UInt8](bodyBuffer.readableBytesView)
        let probe: RequestProbe
        do {
            probe = try route.probe(bytes: body)
        } catch {
            throw GatewayError(dialect: dialect, error)
        }
        guard let requested = runtime.models[probe.model] else {
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    status: 404, message: "The model '\(probe.model)' does not exist or is not configured on this gateway.",
                    code: "model_not_found", param: "model"))
        }
        guard requested.provider.dialect == dialect, upstreams[requested.provider.configuration.name] != nil else {
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    status: 400,
                    message: "The model '\(probe.model)' is served by a \(requested.provider.dialect.rawValue) provider; call it on its own route.",
                    code: "wrong_route", param: "model"))
        }

        // The SDKs' own end-user fields (OpenAI `user`, Anthropic `metadata.user_id`) name the user when no header does.
        let attribution = principal.attribute { name in
            Self.attributionHeaders[name].flatMap { request.headers[$0] } ?? (name == Self.userHeader ? probe.user : nil)
        }
        if let (field, problem) = attribution.declaredProblem {
            throw GatewayError(
                dialect: dialect,
                RequestError(status: 400, message: "The value of '\(field)' \(problem).", code: "invalid_attribution", param: field))
        }
        var governed = Governed(model: requested)
        if let allowed = principal.allowedModels, !allowed.contains(requested.name) {
            let facts = RequestFacts(
                attribution: attribution, model: requested.name, provider: requested.provider.configuration.name,
                priceModel: requested.priceModel, inputBytes: Int64(body.count), estimatedInputTokens: probe.estimatedInputTokens,
                nowMs: startedMs)
            let refusal = GovernanceRefusal(
                status: 403, code: "model_not_allowed",
                message: "The key '\(principal.keyID)' may not call the model '\(requested.name)' (allowed: \(allowed.sorted().joined(separator: ", "))).",
                rule: "key:\(principal.keyID)")
            throw await refuse(refusal, facts: facts, route: route, probe: probe, model: requested, routedFrom: nil)
        }
        if governor.isActive, route != .countTokens {
            switch govern(
                route: route, probe: probe, model: requested, attribution: attribution, bodyBytes: body.count, startedMs: startedMs,
                allowedModels: principal.allowedModels)
            {
            case .success(let value):
                governed = value
            case .failure(let refused):
                throw await refuse(refused.refusal, facts: refused.facts, route: route, probe: probe, model: refused.model, routedFrom: refused.routedFrom)
            }
        }
        let model = governed.model
        let ticket = governed.ticket
        guard let upstream = upstreams[model.provider.configuration.name] else {
            throw GatewayError(dialect: dialect, RequestError(status: 500, message: "No upstream client for \(model.name).", code: "internal_error"))
        }
        let clientRetry = request.headers[.stainlessRetryCount].flatMap { Int($0) }
        let id = RequestIdentifier.make()
        let admission = Admission(
            id: id, timestampMs: startedMs, route: route.rawValue, provider: model.provider.configuration.name,
            requestedModel: model.name, upstreamModel: model.upstreamModel, priceModel: model.priceModel, stream: probe.stream,
            estimatedInputTokens: route == .countTokens ? 0 : probe.estimatedInputTokens, attribution: attribution,
            clientRetryCount: clientRetry
        )
        do {
            try await ledger.admit(admission)
        } catch {
            logger.error("ledger admission failed", metadata: ["error": "\(error)"])
            if let ticket { governor.release(ticket) }
            throw GatewayError(
                dialect: dialect, RequestError(status: 503, message: "The ledger is unavailable; the call was not forwarded.", code: "ledger_unavailable"),
                requestID: id, retryAfter: 1)
        }

        var redactions = 0
        var sent = body
        if !governed.redactors.isEmpty {
            (sent, redactions) = Self.redact(body, with: governed.redactors, notes: &governed.notes)
        }
        let maxTokensKey = model.provider.configuration.kind == .openai ? "max_completion_tokens" : "max_tokens"
        let upstreamBody = RequestRewrite.rewritten(
            sent, route: route, probe: probe, upstreamModel: model.upstreamModel, maxTokens: governed.maxTokens, maxTokensKey: maxTokensKey
        ).map { ByteBuffer(bytes: $0) } ?? (redactions > 0 ? ByteBuffer(bytes: sent) : bodyBuffer)
        let headers = upstreamHeaders(request.headers, provider: model.provider, requestID: id)
        let (outcome, attempts) = await upstream.send(route: route, body: upstreamBody, headers: headers)

        var entry = LedgerEntry(
            id: id, timestampMs: startedMs, route: route.rawValue, provider: admission.provider, requestedModel: model.name,
            servedModel: model.upstreamModel, stream: probe.stream, status: .upstreamError, httpStatus: 502, usageSource: .none,
            attribution: attribution, attempts: attempts, clientRetryCount: clientRetry, routedFrom: governed.routedFrom,
            governance: governed.notes.isEmpty ? nil : governed.notes.joined(separator: "; "), redactions: redactions
        )

        let response: UpstreamResponse
        switch outcome {
        case .failure(let label, let timeout):
            entry.httpStatus = timeout ? 504 : 502
            entry.errorMessage = "upstream \(label)"
            entry.durationMs = (clock.now - started).milliseconds
            if timeout {
                // The provider may have generated (and billed) before the time-out: estimate input.
                entry.usage = TokenUsage(inputUncached: probe.estimatedInputTokens)
                entry.usageSource = .estimated
            }
            await finish(&entry, model: model, ticket: ticket)
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    status: entry.httpStatus,
                    message: timeout
                        ? "The provider did not answer in time; it may still have billed the call, so it is not retried."
                        : "The provider could not be reached (\(label)).",
                    code: label),
                requestID: id, shouldRetry: !timeout)
        case .response(let r):
            response = r
        }

        let status = response.status
        entry.httpStatus = status
        // The most output the provider may generate: the cap the call carried, times its choices.
        let outputBound = (governed.maxTokens ?? probe.maxTokens).map { Int64($0) * Int64(max(1, probe.choices)) }
        if probe.stream && (200..<300).contains(status) {
            entry.status = .ok
            return streamResponse(
                response, entry: entry, probe: probe, route: route, model: model, started: started, ticket: ticket, outputBound: outputBound)
        }

        // Non-streaming, or an error answer to a streaming request.
        let responseBody: ByteBuffer
        do {
            responseBody = try await response.collect(upTo: runtime.configuration.server.maxResponseBytes)
        } catch {
            let (label, _) = UpstreamClient.classify(error)
            entry.ttftMs = nil
            entry.errorMessage = "upstream body: \(label)"
            entry.status = .upstreamError
            entry.httpStatus = 502
            entry.usage = TokenUsage(inputUncached: probe.estimatedInputTokens)
            entry.usageSource = .estimated
            entry.durationMs = (clock.now - started).milliseconds
            await finish(&entry, model: model, ticket: ticket)
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    status: 502, message: "The provider's answer was cut off (\(label)); it may have billed the call, so it is not retried.",
                    code: label),
                requestID: id, shouldRetry: false)
        }
        entry.durationMs = (clock.now - started).milliseconds
        let metering = route.meter(responseBody: responseBody.readableBytesView)
        if let served = metering.servedModel { entry.servedModel = served }
        if (200..<300).contains(status) {
            entry.status = .ok
            Self.meterSuccess(&entry, metering, route: route, estimatedInputTokens: probe.estimatedInputTokens, outputBound: outputBound)
        } else {
            entry.status = .upstreamError
            entry.errorMessage = "provider answered \(status)"
            if let usage = metering.usage {
                entry.usage = usage
                entry.usageSource = .reported
            }
        }
        await finish(&entry, model: model, ticket: ticket)

        var out = HTTPFields()
        out[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        for name in ["retry-after", "retry-after-ms", "x-should-retry", "x-request-id", "request-id"] {
            if let value = response.headers.first(name: name), let field = HTTPField.Name(name) { out[field] = value }
        }
        out[.tollgateRequestID] = id
        out[.tollgateCost] = entry.costNanoUSD.map(Money.format(nanoUSD:)) ?? "unpriced"
        if let ticket { Self.addRateLimitHeaders(ticket, to: &out) }
        return Response(status: .init(code: status), headers: out, body: .init(byteBuffer: responseBody))
    }

    /// Prices an entry, settles its reservations, counts it, and hands it to the journal.
    func finish(_ entry: inout LedgerEntry, model: GatewayRuntime.ResolvedModel, ticket: GovernanceTicket?) async {
        pricer.price(&entry, priceModel: model.priceModel)
        settle(ticket, entry: entry)
        metrics.record(entry, model: model.name)
        await ledger.record(entry)
    }

    // MARK: - Helpers

    static func addRateLimitHeaders(_ ticket: GovernanceTicket, to headers: inout HTTPFields) {
        for (name, value) in ticket.rateLimitHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
    }

    /// The principal behind the request's key (bearer token or `x-api-key`).
    /// - Throws: ``GatewayError`` 401 in the caller's dialect, saying when a key was revoked or has expired.
    func authenticate(_ headers: HTTPFields, dialect: Dialect) throws(GatewayError) -> Principal {
        let secret: Substring
        if let value = headers[.authorization] {
            let prefix = "Bearer "
            guard value.count > prefix.count, value.prefix(prefix.count).lowercased() == "bearer " else { throw .unauthorized(dialect) }
            secret = value.dropFirst(prefix.count).drop(while: { $0 == " " })
        } else if let key = headers[.xAPIKey] {
            secret = Substring(key)
        } else {
            throw .unauthorized(dialect)
        }
        switch keys.lookup(secret, nowMs: Self.nowMs()) {
        case .principal(let principal): return principal
        case .unknown: throw .unauthorized(dialect)
        case .revoked(let name):
            throw GatewayError(dialect: dialect, RequestError(status: 401, message: "The key '\(name)' was revoked.", code: "invalid_api_key"))
        case .expired(let name):
            throw GatewayError(dialect: dialect, RequestError(status: 401, message: "The key '\(name)' has expired.", code: "invalid_api_key"))
        }
    }

    func upstreamHeaders(_ incoming: HTTPFields, provider: GatewayRuntime.ResolvedProvider, requestID: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "user-agent", value: "tollgate/0.1")
        headers.add(name: "x-tollgate-request-id", value: requestID)
        switch provider.dialect {
        case .openai:
            if let key = provider.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        case .anthropic:
            if let key = provider.apiKey { headers.add(name: "x-api-key", value: key) }
            headers.add(name: "anthropic-version", value: incoming[.anthropicVersion] ?? "2023-06-01")
            if let beta = incoming[HTTPField.Name("anthropic-beta")!] { headers.add(name: "anthropic-beta", value: beta) }
        }
        let forward = provider.configuration.forwardHeaders
        if !forward.isEmpty {
            for field in incoming {
                let name = field.name.canonicalName
                if Self.neverForwarded.contains(name) { continue }
                if forward.contains(where: { $0.hasSuffix("*") ? name.hasPrefix($0.dropLast().lowercased()) : name == $0.lowercased() }) {
                    headers.add(name: name, value: field.value)
                }
            }
        }
        return headers
    }

    /// The header that declares the end user.
    static let userHeader = Attribution.Dimension.user.header ?? "x-tollgate-user"

    /// Fills a successful answer's usage: the provider's report, or an estimate from the prompt and
    /// the generated text (never above the call's output bound) when it reported none or its body
    /// was not JSON. A token-counting call is never billed.
    static func meterSuccess(
        _ entry: inout LedgerEntry, _ metering: ResponseMetering, route: RouteKind, estimatedInputTokens: Int64, outputBound: Int64?
    ) {
        if route == .countTokens {
            entry.usageSource = .none
            return
        }
        if let usage = metering.usage {
            entry.usage = usage
            entry.usageSource = .reported
            return
        }
        // A success without usage is still billed: estimate rather than record zero.
        var output = route.hasOutput ? TokenEstimator.tokens(byteCount: metering.generatedTextBytes) : 0
        if let outputBound { output = min(output, outputBound) }
        entry.usage = TokenUsage(inputUncached: estimatedInputTokens, output: output)
        entry.usageSource = .estimated
        entry.errorMessage = metering.readable ? "the provider's answer carried no usage" : "the provider's answer was not valid JSON"
    }

    /// The attribution headers, parsed once.
    static let attributionHeaders: [String: HTTPField.Name] = Dictionary(
        uniqueKeysWithValues: (Attribution.Dimension.declarable.compactMap(\.header) + ["x-tollgate-tags"]).map { ($0, HTTPField.Name($0)!) })

    static let neverForwarded: Set<String> = [
        "authorization", "x-api-key", "host", "content-length", "content-type", "connection", "transfer-encoding",
        "anthropic-version", "anthropic-beta", "x-tollgate-request-id", "user-agent",
    ]
}
