/// A configuration that cannot be served, with every problem and where it is.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Issue: Sendable, Hashable {
        /// Creates an issue.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        /// Key path, e.g. `providers[0].base_url`.
        public var path: String
        /// What is wrong.
        public var message: String
    }

    /// All problems found.
    public var issues: [Issue]

    /// Creates an error from its issues.
    public init(issues: [Issue]) {
        self.issues = issues
    }

    public var description: String {
        "invalid configuration:\n" + issues.map { "  \($0.path): \($0.message)" }.joined(separator: "\n")
    }
}
