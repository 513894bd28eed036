#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The wall clock the pipeline dates calls with: milliseconds since 1970, UTC.
///
/// Injected wherever a time is stamped, so tests can pin it; durations use a monotonic clock instead.
public struct WallClock: Sendable {
    /// The current time in milliseconds since 1970.
    public var nowMs: @Sendable () -> Int64

    /// Creates a clock from a reading function.
    public init(nowMs: @escaping @Sendable () -> Int64) {
        self.nowMs = nowMs
    }

    /// The system clock.
    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down)) }

    /// A clock that always reads `ms`.
    public static func fixed(_ ms: Int64) -> WallClock { WallClock { ms } }
}
