import Synchronization
import TollgateCore

/// The levers in force: the fingerprint of their settings (recorded on every entry) and the response
/// cache. Reloaded with the configuration file.
final class LeverSettings: Sendable {
    /// The exact response cache.
    let cache: ResponseCache
    private let fingerprint: Mutex<String?>

    /// The levers of a configuration.
    init(_ configuration: LeversConfiguration) {
        cache = ResponseCache(configuration.cache)
        fingerprint = Mutex(configuration.version)
    }

    /// The fingerprint of the settings in force (``LeversConfiguration/version``); nil when no lever is on.
    var version: String? { fingerprint.withLock { $0 } }

    /// Puts new settings in force.
    func reload(_ configuration: LeversConfiguration) {
        cache.reload(configuration.cache)
        fingerprint.withLock { $0 = configuration.version }
    }
}
