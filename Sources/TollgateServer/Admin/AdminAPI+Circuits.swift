import Hummingbird
import TollgateCore

extension AdminAPI {
    /// One provider's circuit breaker, as the admin API shows it.
    struct CircuitView: Encodable {
        var provider: String
        var state: String
        var openedAtMs: Int64?
        var reopensInMs: Int64?

        enum CodingKeys: String, CodingKey {
            case provider, state
            case openedAtMs = "opened_at_ms"
            case reopensInMs = "reopens_in_ms"
        }
    }

    /// Every provider's circuit breaker (`GET /admin/v1/circuits`): its state, when it opened and how
    /// long until a probe is let through. Providers that have not been called are closed and listed too.
    func listCircuits(_ request: Request, _ context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let now = gateway.clock.nowMs()
        let circuits = gateway.levers.breakers.circuits
        let configured = gateway.levers.breakers.isOn
        let names = configured ? gateway.upstreams.providerNames.sorted() : []
        let views = names.map { provider in
            let breaker = circuits[provider]
            let opened = breaker?.openedAtMs
            let reopens = opened.flatMap { at in breaker.map { max(0, at + $0.settings.cooldown.milliseconds - now) } }
            return CircuitView(provider: provider, state: (breaker?.state ?? .closed).rawValue, openedAtMs: opened, reopensInMs: reopens)
        }
        return try Self.json(["data": views])
    }
}
