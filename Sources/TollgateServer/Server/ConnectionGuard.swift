public import Logging
import NIOCore
import Synchronization

/// Counts the gateway's open client connections and holds the limits every connection is held to.
///
/// One instance serves the whole listener; each accepted connection gets a ``ConnectionGuardHandler``
/// that reports to it. Connections beyond ``ConnectionLimits/maxConnections`` are closed as soon as they
/// are accepted, so a flood of sockets cannot take the descriptors the open ones (and their upstream
/// calls, the ledger and the admission log) need.
public final class ConnectionGuard: Sendable {
    /// The limits and time-outs.
    public let limits: ConnectionLimits
    let logger: Logger
    private let open = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)
    /// Uptime (ns) of the last warning about rejected connections, so a flood logs once per interval.
    private let lastWarning = Atomic<UInt64>(0)

    /// Creates a guard.
    /// - Parameters:
    ///   - limits: The limits and time-outs.
    ///   - logger: Where rejected connections and time-outs are reported.
    public init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    /// Client connections open now (rejected ones included until they are closed).
    public var openConnections: Int { open.load(ordering: .relaxed) }

    /// Connections closed on arrival because the limit was reached, since start-up.
    public var rejectedConnections: Int { rejected.load(ordering: .relaxed) }

    /// Counts a connection in.
    /// - Returns: Whether it is within the limit (otherwise it must be closed; it still counts until then).
    func opened() -> Bool {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        guard count > limits.maxConnections else { return true }
        let total = rejected.wrappingAdd(1, ordering: .relaxed).newValue
        let last = lastWarning.load(ordering: .relaxed)
        let now = NIODeadline.now().uptimeNanoseconds
        if last == 0 || (now > last && now - last >= Self.warningInterval),
            lastWarning.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
        {
            logger.warning(
                "connection limit reached: closing new connections",
                metadata: ["max_connections": "\(limits.maxConnections)", "rejected_total": "\(total)"])
        }
        return false
    }

    /// Least time between two warnings about rejected connections, in nanoseconds (10 s).
    static let warningInterval: UInt64 = 10_000_000_000

    /// Counts a connection out.
    func closed() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }
}
