public import Foundation

/// The ledger file could not be opened: which path, and why.
public struct LedgerOpenError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The ledger path as configured.
    public var path: String
    /// What went wrong, for a person.
    public var reason: String

    /// Creates the error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot open the ledger at \(path): \(reason) (set storage.sqlite_path to a writable place)" }
    public var errorDescription: String? { description }
}
