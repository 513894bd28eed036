import Logging

/// Standard output logging in swift-log's stream format, with metadata formatted only when a
/// message is written.
///
/// `StreamLogHandler` re-renders its metadata string every time a key is set; the HTTP server sets
/// a request id on every request's logger, so that rendering would run on every call even when
/// nothing is logged. This handler keeps the metadata and hands it to a `StreamLogHandler` only
/// for the messages that pass the level.
struct ConsoleLogHandler: LogHandler {
    private let label: String
    /// The level below which messages are dropped.
    var logLevel: Logger.Level = .info
    /// Metadata attached to every message.
    var metadata: Logger.Metadata = [:]
    /// Metadata taken from the task-local context.
    var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for a logger label.
    init(label: String) {
        self.label = label
        self.metadataProvider = LoggingSystem.metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var stream = StreamLogHandler.standardOutput(label: label, metadataProvider: metadataProvider)
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }
}
