import ArgumentParser

/// A command that could not do its work because of its input or its environment (a missing ledger, an
/// unreadable or invalid file), not because of its flags: ArgumentParser prints `Error: <message>` and
/// exits 1, without the usage hint that `ValidationError` (a usage error, exit 64) adds.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the file or value concerned.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
