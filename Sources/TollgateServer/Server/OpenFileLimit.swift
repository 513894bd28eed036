#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`): every client connection, upstream connection and
/// file holds one descriptor, and `accept` fails once the soft limit is reached.
public enum OpenFileLimit {
    /// The soft and hard limits, and whether the soft one was changed.
    public struct Change: Sendable, Hashable {
        /// The soft limit before.
        public var old: Int
        /// The soft limit now.
        public var new: Int
        /// The hard limit (the most an unprivileged process may raise its soft limit to).
        public var hard: Int
    }

    /// The soft limit now, or nil when it cannot be read.
    public static var soft: Int? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        return Self.clamp(limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit where the system allows it (on macOS at most
    /// `OPEN_MAX`). Leaves it as it is when it cannot be raised.
    /// - Returns: The limits before and after, or nil when they cannot be read.
    public static func raiseToHardLimit() -> Change? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        let old = limit.rlim_cur
        var target = limit.rlim_max
        #if canImport(Darwin)
        target = min(target, rlim_t(OPEN_MAX))
        #endif
        if target > old {
            var raised = limit
            raised.rlim_cur = target
            if setrlimit(Self.resource, &raised) == 0 { limit = raised }
        }
        return Change(old: Self.clamp(old), new: Self.clamp(limit.rlim_cur), hard: Self.clamp(limit.rlim_max))
    }

    #if canImport(Glibc)
    static let resource = __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue))
    #else
    static let resource = RLIMIT_NOFILE
    #endif

    /// `RLIM_INFINITY` and other values beyond `Int` read as `Int.max`.
    static func clamp(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }
}
