import Synchronization
import TollgateCore

/// The levers in force: the fingerprint of their settings (recorded on every entry), the response
/// cache and model routing. Reloaded with the configuration file.
final class LeverSettings: Sendable {
    /// The exact response cache.
    let cache: ResponseCache
    /// Model routing.
    let routing: ModelRouting
    /// Fallbacks and circuit breakers.
    let breakers: ProviderBreakers
    /// Context budgets.
    let context: ContextBudgets
    private let fingerprint: Mutex<String?>

    /// The levers of a configuration.
    init(_ configuration: LeversConfiguration) {
        cache = ResponseCache(configuration.cache)
        routing = ModelRouting(configuration.routing)
        breakers = ProviderBreakers(configuration.fallbacks)
        context = ContextBudgets(configuration.context)
        fingerprint = Mutex(configuration.version)
    }

    /// The fingerprint of the settings in force (``LeversConfiguration/version``); nil when no lever is on.
    var version: String? { fingerprint.withLock { $0 } }

    /// Puts new settings in force.
    func reload(_ configuration: LeversConfiguration) {
        cache.reload(configuration.cache)
        routing.reload(configuration.routing)
        breakers.reload(configuration.fallbacks)
        context.reload(configuration.context)
        fingerprint.withLock { $0 = configuration.version }
    }
}
