/// A budget window `[startMs, endMs)` in Unix milliseconds (UTC).
public struct BudgetWindow: Sendable, Hashable {
    /// The first millisecond in the window (`Int64.min` for a lifetime window).
    public var startMs: Int64
    /// The first millisecond after the window, or `nil` for a lifetime window.
    public var endMs: Int64?

    /// Creates a window.
    public init(startMs: Int64, endMs: Int64?) {
        self.startMs = startMs
        self.endMs = endMs
    }

    /// Whether the instant `ms` falls in the window.
    public func contains(_ ms: Int64) -> Bool {
        ms >= startMs && (endMs.map { ms < $0 } ?? true)
    }
}
