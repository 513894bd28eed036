import Synchronization
public import TollgateCore

/// The caller keys the gateway accepts: keys from the configuration file (reloadable) and keys
/// managed through the admin API (looked up by the hash of the presented secret).
public final class KeyRing: Sendable {
    struct State: Sendable {
        var configured: [String: Principal]
        var managed: [String: VirtualKey] = [:]
    }

    let state: Mutex<State>

    /// Creates a key ring.
    /// - Parameters:
    ///   - configured: Principals by secret, from the configuration file.
    ///   - managed: Keys from the admin store.
    public init(configured: [String: Principal], managed: [VirtualKey] = []) {
        var state = State(configured: configured)
        for key in managed { state.managed[key.secretHash] = key }
        self.state = Mutex(state)
    }

    /// What a presented secret is.
    enum Lookup {
        case principal(Principal)
        case revoked(String)
        case expired(String)
        case unknown
    }

    func lookup(_ secret: Substring, nowMs: Int64) -> Lookup {
        let found: (Principal?, Bool) = state.withLock { state in
            (state.configured[String(secret)], state.managed.isEmpty)
        }
        if let principal = found.0 { return .principal(principal) }
        if found.1 { return .unknown }
        let hash = VirtualKey.hash(secret: secret)
        guard let key = state.withLock({ $0.managed[hash] }) else { return .unknown }
        if key.revokedAtMs != nil { return .revoked(key.name) }
        if let expiry = key.expiresAtMs, nowMs >= expiry { return .expired(key.name) }
        return .principal(key.principal)
    }

    /// Replaces the configuration file's keys (on reload).
    public func replaceConfigured(_ configured: [String: Principal]) {
        state.withLock { $0.configured = configured }
    }

    /// Adds or replaces a managed key (after rotation the old hash no longer matches).
    public func upsert(_ key: VirtualKey) {
        state.withLock { state in
            state.managed = state.managed.filter { $0.value.id != key.id }
            state.managed[key.secretHash] = key
        }
    }

    /// Managed keys, by name.
    public var managedKeys: [VirtualKey] {
        state.withLock { Array($0.managed.values) }.sorted { $0.name < $1.name }
    }

    /// The configuration file's principals.
    public var configuredPrincipals: [Principal] {
        state.withLock { Array($0.configured.values) }.sorted { $0.keyID < $1.keyID }
    }
}
