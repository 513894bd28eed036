import HTTPTypes
import TollgateCore
import TollgateProviders

/// The authenticate stage: the caller's key (a bearer token or `x-api-key`) to its principal.
struct Authenticator: Sendable {
    /// The keys accepted.
    let keys: KeyRing
    /// Dates expiry checks.
    let clock: WallClock

    /// The principal behind the request's key.
    /// - Throws: ``GatewayError`` 401 in the caller's dialect, saying when a key was revoked or has expired.
    func principal(_ headers: HTTPFields, dialect: Dialect) throws(GatewayError) -> Principal {
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
        switch keys.lookup(secret, nowMs: clock.nowMs()) {
        case .principal(let principal): return principal
        case .unknown: throw .unauthorized(dialect)
        case .revoked(let name):
            throw GatewayError(dialect: dialect, RequestError(.invalidAPIKey, "The key '\(name)' was revoked."))
        case .expired(let name):
            throw GatewayError(dialect: dialect, RequestError(.invalidAPIKey, "The key '\(name)' has expired."))
        }
    }
}
