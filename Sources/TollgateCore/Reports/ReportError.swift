/// A report that cannot be produced as asked: a bad period, an unknown dimension, an allocation rule
/// that has nothing to allocate to, or a sum that would overflow.
public struct ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong and how to fix it.
    public var message: String

    /// Creates a report error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    static func overflow(_ what: String) -> ReportError {
        ReportError("\(what) does not fit in 64-bit nano-USD (over $9.2 billion); narrow the period")
    }
}
