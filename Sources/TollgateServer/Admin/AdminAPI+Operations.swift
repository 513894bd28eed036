import Foundation
import HTTPTypes
import Hummingbird
import TollgateCore
import TollgateProviders

extension AdminAPI {
    /// Every kill switch in force.
    func listKillSwitches(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        try Self.json(["data": gateway.governor.killSwitches.map(KillSwitchView.init)])
    }

    /// Sets a kill switch, in force at once.
    func setKillSwitch(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let body = try await Self.decode(KillSwitchRequest.self, from: request, context: context)
        try Self.validate(target: body.target, gateway: gateway)
        let now = gateway.clock.nowMs()
        let kill = KillSwitch(target: body.target, by: Self.actor(request), reason: body.reason, atMs: now)
        let previous = gateway.governor.killSwitches.first { $0.target == body.target }
        let audit = AuditEvent(
            atMs: now, actor: Self.actor(request), action: "kill_switch.set", subject: body.target.kind.rawValue + ":" + body.target.name,
            before: previous.map(Self.text), after: Self.text(kill))
        try await store.save(killSwitch: kill, target: body.target, audit: audit)
        gateway.governor.setKillSwitch(kill)
        return try Self.json(KillSwitchView(kill))
    }

    /// Clears a kill switch set through this API.
    func clearKillSwitch(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        guard let kind = context.parameters.get("kind").flatMap(KillSwitch.Target.Kind.init(rawValue:)),
            let name = context.parameters.get("name")
        else { throw Self.error(.notFound, "Use /admin/v1/kill-switches/{workflow|provider|model}/{name}.") }
        let target = KillSwitch.Target(kind: kind, name: name)
        guard let removed = gateway.governor.killSwitches.first(where: { $0.target == target }) else {
            throw Self.error(.notFound, "No kill switch is set on \(target.text).")
        }
        if removed.atMs == nil {
            throw Self.error(.configured, "The switch on \(target.text) is in the configuration file; remove it there and reload.")
        }
        let audit = AuditEvent(
            atMs: gateway.clock.nowMs(), actor: Self.actor(request), action: "kill_switch.clear", subject: kind.rawValue + ":" + name,
            before: Self.text(removed))
        try await store.save(killSwitch: nil, target: target, audit: audit)
        gateway.governor.clearKillSwitch(target)
        return try Self.json(["cleared": target.text])
    }

    /// Every budget counter with its spend and limit.
    func listBudgets(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        try Self.json(["data": gateway.governor.budgetStatus(nowMs: gateway.clock.nowMs()).map(BudgetView.init)])
    }

    /// Budget alerts raised, newest first.
    func listBudgetEvents(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
        return try Self.json(["data": try await store.budgetEvents(limit: max(1, min(limit, 10_000))).map(AlertView.init)])
    }

    /// The audit trail, newest first.
    func listAudit(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
        return try Self.json(["data": try await store.auditEvents(limit: max(1, min(limit, 10_000))).map(AuditView.init)])
    }

    /// Reloads the configuration file.
    func reloadConfiguration(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        guard let reload else { throw Self.error(.notFound, "This gateway was not started from a configuration file.") }
        do {
            let summary = try await reload()
            try await store.record(
                audit: AuditEvent(atMs: gateway.clock.nowMs(), actor: Self.actor(request), action: "config.reload", subject: "config", after: summary)
            )
            return try Self.json(["reloaded": summary])
        } catch let error as ConfigurationError {
            throw Self.error(.invalidConfiguration, error.description)
        }
    }
}

struct KillSwitchView: Encodable {
    var kind: String
    var name: String
    var by: String
    var reason: String
    var source: String
    var at: String?

    init(_ kill: KillSwitch) {
        kind = kill.target.kind.rawValue
        name = kill.target.name
        by = kill.by
        reason = kill.reason
        source = kill.atMs == nil ? "config" : "admin"
        at = kill.atMs.map(AdminAPI.time)
    }
}

struct BudgetView: Encodable {
    var budget, scope, period, mode, spentUSD, reservedUSD, limitUSD, overshootUSD: String
    var utilisation: Double
    var resetsAt: String?

    init(_ status: BudgetStatus) {
        budget = status.budget
        scope = status.scopeKey
        period = status.period
        mode = status.mode
        spentUSD = Money.format(nanoUSD: status.spentNanoUSD)
        reservedUSD = Money.format(nanoUSD: status.reservedNanoUSD)
        limitUSD = Money.format(nanoUSD: status.limitNanoUSD)
        overshootUSD = Money.format(nanoUSD: status.overshootNanoUSD)
        utilisation = status.limitNanoUSD > 0 ? Double(status.spentNanoUSD) / Double(status.limitNanoUSD) : 0
        resetsAt = status.resetsAtMs.map(AdminAPI.time)
    }

    enum CodingKeys: String, CodingKey {
        case budget, scope, period, mode, utilisation
        case spentUSD = "spent_usd"
        case reservedUSD = "reserved_usd"
        case limitUSD = "limit_usd"
        case overshootUSD = "overshoot_usd"
        case resetsAt = "resets_at"
    }
}

struct AlertView: Encodable {
    var at, budget, scope, period, spentUSD, limitUSD: String
    var thresholdPercent: Int

    init(_ alert: BudgetAlert) {
        at = AdminAPI.time(alert.atMs)
        budget = alert.budget
        scope = alert.scopeKey
        period = alert.period
        spentUSD = Money.format(nanoUSD: alert.spentNanoUSD)
        limitUSD = Money.format(nanoUSD: alert.limitNanoUSD)
        thresholdPercent = alert.thresholdPercent
    }

    enum CodingKeys: String, CodingKey {
        case at, budget, scope, period
        case spentUSD = "spent_usd"
        case limitUSD = "limit_usd"
        case thresholdPercent = "threshold_percent"
    }
}

struct AuditView: Encodable {
    var seq: Int64?
    var at, actor, action, subject: String
    var before, after: String?

    init(_ event: AuditEvent) {
        seq = event.seq
        at = AdminAPI.time(event.atMs)
        actor = event.actor
        action = event.action
        subject = event.subject
        before = event.before
        after = event.after
    }
}
