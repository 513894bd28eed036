import Foundation
import HTTPTypes
import Synchronization
import TollgateCore
import TollgateProviders

/// What a caller's `x-tollgate-cache` header asks of the response cache.
enum CacheDirective: String, Sendable, CaseIterable {
    /// Neither served from the cache nor stored in it.
    case noStore = "no-store"
    /// Not served from the cache; the fresh answer replaces the stored one.
    case refresh
    /// Served from the cache, or answered 504 `cache_miss`: never forwarded.
    case onlyIfCached = "only-if-cached"
}

/// What the response cache decided for one call.
struct CacheLookup: Sendable {
    /// The decision.
    enum Result: String, Sendable {
        /// Served from the cache.
        case hit
        /// Looked up (or refreshed) and forwarded; the answer is stored when it may be.
        case miss
        /// Covered by a rule but not cached: not eligible, or the caller said `no-store`.
        case bypass
    }

    /// The rule that covers the call.
    let rule: CacheRule
    /// The call's key, when it was looked up; nil when it bypassed the cache.
    let key: ResponseCacheKey?
    /// The store the answer goes to.
    let store: ResponseCacheStore
    /// The answer served, on a hit.
    let answer: CachedAnswer?

    /// The decision.
    var result: Result { answer != nil ? .hit : key != nil ? .miss : .bypass }

    /// Whether the call's answer is stored once it is complete.
    var storesAnswer: Bool { key != nil && answer == nil }
}

/// The exact response cache lever: answers kept in memory by the canonical request (see
/// ``ResponseCacheKey``), served again without an upstream call to the calls a rule covers, within
/// the rule's scope and until its TTL. Its rules reload with the configuration; a new `max_bytes`
/// starts an empty store.
final class ResponseCache: Sendable {
    private struct Settings: Sendable {
        var configuration: CacheConfiguration
        var store: ResponseCacheStore
    }

    private let settings: Mutex<Settings>

    /// Routes whose answers are cached.
    static let routes: Set<RouteKind> = [.chatCompletions, .messages, .embeddings]

    /// A cache with the given settings.
    init(_ configuration: CacheConfiguration) {
        settings = Mutex(Settings(configuration: configuration, store: ResponseCacheStore(capacityBytes: configuration.maxBytes)))
    }

    /// The store in use.
    var store: ResponseCacheStore { settings.withLock { $0.store } }

    /// Puts new settings in force; the answers held are kept unless `max_bytes` changed.
    func reload(_ configuration: CacheConfiguration) {
        settings.withLock { s in
            if s.configuration.maxBytes != configuration.maxBytes { s.store = ResponseCacheStore(capacityBytes: configuration.maxBytes) }
            s.configuration = configuration
        }
    }

    /// Decides what the cache does for a call; nil when no rule covers it.
    func lookup(_ outgoing: OutgoingCall, facts: @autoclosure () -> RequestFacts, directive: CacheDirective?, call: CallContext) -> CacheLookup? {
        let (configuration, store) = settings.withLock { ($0.configuration, $0.store) }
        guard !configuration.rules.isEmpty, Self.routes.contains(call.route) else { return nil }
        let facts = facts()
        guard let rule = configuration.rule(for: facts) else { return nil }
        let bypass = CacheLookup(rule: rule, key: nil, store: store, answer: nil)
        // Bypassed: the caller said no-store, the body is not a JSON object, or the request samples.
        guard directive != .noStore, let body = try? JSONDocument(parsing: outgoing.bytes) else { return bypass }
        if call.route != .embeddings, ResponseCacheEligibility(body: body, anyTemperature: rule.anyTemperature) != .eligible { return bypass }
        guard
            let key = ResponseCacheKey(
                body: body, dialect: call.dialect, route: call.route.rawValue, servedModel: outgoing.model.upstreamModel,
                scope: rule.partition(facts.attribution))
        else { return bypass }
        let answer = directive == .refresh ? nil : store.answer(for: key, nowMs: call.startedMs)
        return CacheLookup(rule: rule, key: key, store: store, answer: answer)
    }

    /// The caller's directive, if it sent one.
    /// - Throws: ``GatewayError`` 400 `invalid_cache_directive` for a value that is not a directive.
    static func directive(_ headers: HTTPFields, dialect: Dialect) throws(GatewayError) -> CacheDirective? {
        guard let value = headers[.tollgateCache] else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces).lowercased()
        guard let directive = CacheDirective(rawValue: trimmed) else {
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    .invalidCacheDirective,
                    "x-tollgate-cache must be one of \(CacheDirective.allCases.map(\.rawValue).joined(separator: ", ")); got '\(value)'."))
        }
        return directive
    }
}
