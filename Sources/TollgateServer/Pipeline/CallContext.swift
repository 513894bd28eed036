import Logging
import TollgateCore
import TollgateProviders

/// What every stage of one call knows: its id, its route, when it started, and a logger that names it.
///
/// Made when the request arrives and handed down the stages; no stage changes it.
struct CallContext: Sendable {
    /// The request id: the ledger entry's id and the caller's `x-tollgate-request-id`.
    let id: String
    /// The request this context is one upstream call of (see ``upstreamCall(_:)``); nil for the request itself.
    let parentID: String?
    /// The route called.
    let route: RouteKind
    /// When the call arrived, milliseconds since 1970 (the entry's timestamp).
    let startedMs: Int64
    /// When the call arrived, on the monotonic clock (for durations).
    let started: ContinuousClock.Instant
    /// The gateway's logger; ``logger`` adds the request id to it.
    private let base: Logger

    /// Starts a call's context.
    init(route: RouteKind, clock: WallClock, logger: Logger) {
        let id = RequestIdentifier.make()
        self.id = id
        self.parentID = nil
        self.route = route
        self.startedMs = clock.nowMs()
        self.started = .now
        self.base = logger
    }

    private init(id: String, parentID: String, of call: CallContext) {
        self.id = id
        self.parentID = parentID
        self.route = call.route
        self.startedMs = call.startedMs
        self.started = call.started
        self.base = call.base
    }

    /// The context of the request's `index`-th upstream call (from 1), when one request makes several: its own id,
    /// `<request id>.<index>`, for its own admission and entry, chained to the request by ``parentID``.
    func upstreamCall(_ index: Int) -> CallContext {
        CallContext(id: "\(id).\(index)", parentID: id, of: self)
    }

    /// A logger whose metadata names the request, made only when something is logged.
    var logger: Logger {
        var logger = base
        logger[metadataKey: "request_id"] = .string(id)
        return logger
    }

    /// The caller's dialect.
    var dialect: Dialect { route.dialect }

    /// Milliseconds since the call arrived.
    var elapsedMs: Int64 { (ContinuousClock.now - started).milliseconds }
}
