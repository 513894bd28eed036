public import TollgateCore

/// The listener's connection limit and time-outs, resolved once at start-up.
///
/// `server.max_connections` may be left out of the configuration; it is then derived from the
/// process's open-file limit with ``defaultMaxConnections(openFileLimit:)``.
public struct ConnectionLimits: Sendable, Hashable {
    /// Most client connections open at once; the next ones are closed as soon as they are accepted.
    public var maxConnections: Int
    /// Longest a connection may take to send a complete request head: from its opening for the first
    /// request, from the first byte of the next one on a keep-alive connection.
    public var headerTimeout: Duration
    /// Longest a keep-alive connection may stay silent between requests (Hummingbird's idle time-out).
    public var idleTimeout: Duration
    /// Longest a request body may take to arrive in full, counted from its head.
    public var bodyTimeout: Duration
    /// Longest a response may wait for its caller to read (the connection unwritable) before it is closed.
    public var writeTimeout: Duration
    /// On graceful shutdown, how long an open connection may finish its exchange before it is closed.
    public var shutdownGrace: Duration

    /// Creates limits.
    /// - Parameters:
    ///   - maxConnections: Most client connections open at once.
    ///   - headerTimeout: Time allowed for a complete request head.
    ///   - idleTimeout: Silence allowed between requests on a keep-alive connection.
    ///   - bodyTimeout: Time allowed for a whole request body, from its head.
    ///   - writeTimeout: Time a response may wait for its caller to read.
    ///   - shutdownGrace: Time open connections get after a graceful shutdown starts.
    public init(
        maxConnections: Int, headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(60), writeTimeout: Duration = .seconds(30), shutdownGrace: Duration = .seconds(20)
    ) {
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.writeTimeout = writeTimeout
        self.shutdownGrace = shutdownGrace
    }

    /// The limits a `server` section asks for.
    /// - Parameters:
    ///   - server: The configuration's `server` section.
    ///   - openFileLimit: The process's soft open-file limit (after ``OpenFileLimit/raiseToHardLimit()``),
    ///     used when `max_connections` is not configured.
    public init(server: GatewayConfiguration.Server, openFileLimit: Int) {
        self.init(
            maxConnections: server.maxConnections ?? Self.defaultMaxConnections(openFileLimit: openFileLimit),
            headerTimeout: server.headerTimeout, idleTimeout: server.idleTimeout, bodyTimeout: server.bodyTimeout,
            writeTimeout: server.writeTimeout, shutdownGrace: server.shutdownGrace)
    }

    /// File descriptors kept back from client connections for everything else the process opens: the
    /// ledger database and its WAL, the admission log, the configuration file, event loop internals,
    /// the listening socket and idle upstream connections.
    public static let reservedFileDescriptors = 256

    /// The default connection limit: half of what the reserve leaves, because every client call in
    /// flight may hold one upstream connection too. At least 16.
    /// - Parameter openFileLimit: The soft `RLIMIT_NOFILE`.
    public static func defaultMaxConnections(openFileLimit: Int) -> Int {
        max(16, (openFileLimit - reservedFileDescriptors) / 2)
    }
}
