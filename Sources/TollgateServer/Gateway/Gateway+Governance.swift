import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TollgateCore
import TollgateProviders

extension Gateway {
    /// What governance decided for a call that may go ahead.
    struct Governed: Sendable {
        /// Reservations to settle (nil when nothing is governed).
        var ticket: GovernanceTicket?
        /// The model that serves the call (another one after a budget's downgrade).
        var model: GatewayRuntime.ResolvedModel
        /// The `max_tokens` the body must carry, when governance changes it.
        var maxTokens: Int?
        /// Redactors to run over the body.
        var redactors: [PIIRedactor] = []
        /// The model the caller asked for, when downgraded.
        var routedFrom: String?
        /// What governance did, for the entry.
        var notes: [String] = []
    }

    /// A refused call, with what its `blocked` entry records.
    struct Refused: Error {
        var refusal: GovernanceRefusal
        var facts: RequestFacts
        var model: GatewayRuntime.ResolvedModel
        var routedFrom: String?
    }

    /// Runs kill switches, policies, rate limits, agent limits and budgets for a call. Synchronous:
    /// every decision is in memory; only a refusal goes on to record its entry. A budget's downgrade
    /// is refused when the key may not call the downgrade model (`allowedModels`).
    func govern(
        route: RouteKind, probe: RequestProbe, model: GatewayRuntime.ResolvedModel, attribution: Attribution, bodyBytes: Int,
        startedMs: Int64, allowedModels: Set<String>? = nil
    ) -> Result<Governed, Refused> {
        var facts = RequestFacts(
            attribution: attribution, model: model.name, provider: model.provider.configuration.name, priceModel: model.priceModel,
            inputBytes: Int64(bodyBytes), estimatedInputTokens: probe.estimatedInputTokens, maxTokens: probe.maxTokens.map(Int64.init),
            choices: Int64(probe.choices), stream: probe.stream, hasOutput: route.hasOutput, nowMs: startedMs)
        var governed = Governed(model: model)
        for attempt in 0..<2 {
            let verdict: PolicyVerdict
            switch governor.policy(for: facts) {
            case .failure(let refusal):
                return .failure(Refused(refusal: refusal, facts: facts, model: governed.model, routedFrom: governed.routedFrom))
            case .success(let value):
                verdict = value
            }
            var admitted = facts
            admitted.maxTokens = verdict.maxTokens
            switch governor.admit(admitted, allowUnpriced: verdict.allowUnpriced, allowDowngrade: attempt == 0) {
            case .refused(let refusal):
                return .failure(Refused(refusal: refusal, facts: facts, model: governed.model, routedFrom: governed.routedFrom))
            case .downgrade(let target, let budget):
                guard let next = runtime.models[target], next.provider.dialect == route.dialect, upstreams[next.provider.configuration.name] != nil
                else {
                    let refusal = GovernanceRefusal(
                        status: 429, code: "budget_exceeded",
                        message: "Budget '\(budget)' is exhausted and its downgrade model '\(target)' cannot serve this route.", rule: "budget:\(budget)")
                    return .failure(Refused(refusal: refusal, facts: facts, model: governed.model, routedFrom: nil))
                }
                if let allowedModels, !allowedModels.contains(next.name) {
                    let refusal = GovernanceRefusal(
                        status: 429, code: "budget_exceeded",
                        message: "Budget '\(budget)' is exhausted and this key may not call its downgrade model '\(target)'.", rule: "budget:\(budget)")
                    return .failure(Refused(refusal: refusal, facts: facts, model: governed.model, routedFrom: nil))
                }
                governed.routedFrom = model.name
                governed.model = next
                governed.notes.append("downgraded from \(model.name) to \(next.name) by budget:\(budget)")
                facts.model = next.name
                facts.provider = next.provider.configuration.name
                facts.priceModel = next.priceModel
            case .admitted(let ticket):
                let send = ticket.injectMaxTokens ?? verdict.maxTokens
                if let send, send != facts.maxTokens, route.hasOutput {
                    governed.maxTokens = Int(send)
                    governed.notes.append(
                        facts.maxTokens == nil ? "max_tokens=\(send) added" : "max_tokens clamped from \(facts.maxTokens!) to \(send)")
                }
                governed.redactors = verdict.redactors
                governed.ticket = ticket
                return .success(governed)
            }
        }
        // Unreachable: the second attempt never downgrades.
        return .success(governed)
    }

    /// Records a refused call as a `blocked` entry and builds the caller's error.
    func refuse(
        _ refusal: GovernanceRefusal, facts: RequestFacts, route: RouteKind, probe: RequestProbe, model: GatewayRuntime.ResolvedModel,
        routedFrom: String?
    ) async -> GatewayError {
        let id = RequestIdentifier.make()
        let entry = LedgerEntry(
            id: id, timestampMs: facts.nowMs, durationMs: 0, route: route.rawValue, provider: model.provider.configuration.name,
            requestedModel: model.name, servedModel: model.upstreamModel, stream: probe.stream, status: .blocked, httpStatus: refusal.status,
            usageSource: .none, pricing: .priced, costNanoUSD: 0, attribution: facts.attribution, errorMessage: refusal.message,
            routedFrom: routedFrom, governance: "blocked by \(refusal.rule)")
        metrics.record(entry, model: model.name)
        await ledger.record(entry)
        return GatewayError(
            dialect: route.dialect, RequestError(status: refusal.status, message: refusal.message, code: refusal.code),
            requestID: id, retryAfter: refusal.retryAfterSeconds.map { Int($0) },
            shouldRetry: refusal.status == 429 && (refusal.retryAfterSeconds ?? .max) <= 60, headers: refusal.headers)
    }

    /// Runs the policy's redactors over a body; returns the body to send and the number of items redacted.
    static func redact(_ body: [UInt8], with redactors: [PIIRedactor], notes: inout [String]) -> ([UInt8], Int) {
        var body = body
        var total = 0
        var kinds: [String: Int] = [:]
        for redactor in redactors {
            guard let (redacted, counts) = redactor.redactJSON(body) else { continue }
            body = redacted
            for (kind, count) in counts {
                kinds[kind, default: 0] += count
                total += count
            }
        }
        if total > 0 { notes.append("redacted " + kinds.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ")) }
        return (body, total)
    }

    /// Settles a call's reservations and sends the alerts it raised (log, event table, webhook), off the request path.
    func settle(_ ticket: GovernanceTicket?, entry: LedgerEntry) {
        guard let ticket, ticket.holdsAnything else { return }
        let alerts = governor.settle(ticket, entry: entry)
        guard !alerts.isEmpty else { return }
        for alert in alerts {
            logger.warning(
                "budget threshold crossed",
                metadata: [
                    "budget": "\(alert.budget)", "scope": "\(alert.scopeKey)", "period": "\(alert.period)",
                    "threshold": "\(alert.thresholdPercent)%", "spent_usd": "\(Money.format(nanoUSD: alert.spentNanoUSD))",
                    "limit_usd": "\(Money.format(nanoUSD: alert.limitNanoUSD))",
                ])
        }
        let events = self.events
        let webhook = runtime.configuration.governance.alerts.webhook
        let logger = self.logger
        Task.detached {
            do { try events?.record(alerts: alerts) } catch { logger.error("recording budget alerts failed", metadata: ["error": "\(error)"]) }
            guard let webhook else { return }
            for alert in alerts {
                var request = HTTPClientRequest(url: webhook)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(AlertPayload(alert))) ?? Data()))
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                    if !(200..<300).contains(response.status.code) {
                        logger.warning("alert webhook answered \(response.status.code)")
                    }
                } catch {
                    logger.warning("alert webhook failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

/// The JSON body posted to the alert webhook.
struct AlertPayload: Encodable {
    var type = "budget.threshold"
    var budget: String
    var scope: String
    var period: String
    var thresholdPercent: Int
    var spentUSD: String
    var limitUSD: String
    var at: String

    init(_ alert: BudgetAlert) {
        budget = alert.budget
        scope = alert.scopeKey
        period = alert.period
        thresholdPercent = alert.thresholdPercent
        spentUSD = Money.format(nanoUSD: alert.spentNanoUSD)
        limitUSD = Money.format(nanoUSD: alert.limitNanoUSD)
        at = CivilDate.formatTimestamp(ms: alert.atMs)
    }

    enum CodingKeys: String, CodingKey {
        case type, budget, scope, period, at
        case thresholdPercent = "threshold_percent"
        case spentUSD = "spent_usd"
        case limitUSD = "limit_usd"
    }
}
