extension GatewayConfiguration {
    /// The HTTP listener, its connection limits and its time-outs (see `docs/security.md`).
    public struct Server: Sendable, Hashable, Decodable {
        /// Address to bind; `127.0.0.1` by default.
        public var host: String
        /// Port to bind; 8080 by default, 0 picks a free port.
        public var port: Int
        /// Largest accepted request body in bytes (32 MiB by default).
        public var maxBodyBytes: Int
        /// Largest accepted non-streaming upstream response body in bytes (64 MiB by default).
        public var maxResponseBytes: Int
        /// Length of the kernel's queue of connections not yet accepted (4096 by default; the kernel caps it
        /// at `net.core.somaxconn`).
        public var listenBacklog: Int
        /// Most client connections open at once; more are closed as soon as they are accepted. Nil (the
        /// default) derives it from the open-file limit at start-up.
        public var maxConnections: Int?
        /// Longest a connection may take to send a complete request head (10 s by default).
        public var headerTimeout: Duration
        /// Longest a keep-alive connection may stay silent between requests (60 s by default).
        public var idleTimeout: Duration
        /// Longest a request body may take to arrive in full, from its head (60 s by default).
        public var bodyTimeout: Duration
        /// Longest a caller may leave a response unread (its socket full) before the connection is closed,
        /// so a stalled reader cannot hold a stream and its provider connection (30 s by default).
        public var writeTimeout: Duration
        /// The bearer token `/metrics` asks for (write it as `${ENV_VAR}`); nil (the default) serves metrics
        /// to anyone who can reach the listener.
        public var metricsToken: String?
        /// On SIGTERM, how long open connections may finish their exchange before they are closed (20 s by default).
        public var shutdownGrace: Duration

        /// Creates listener settings.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 32 << 20, maxResponseBytes: Int = 64 << 20,
            listenBacklog: Int = 4_096, maxConnections: Int? = nil, headerTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(60), bodyTimeout: Duration = .seconds(60), writeTimeout: Duration = .seconds(30),
            shutdownGrace: Duration = .seconds(20), metricsToken: String? = nil
        ) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.maxResponseBytes = maxResponseBytes
            self.listenBacklog = listenBacklog
            self.maxConnections = maxConnections
            self.headerTimeout = headerTimeout
            self.idleTimeout = idleTimeout
            self.bodyTimeout = bodyTimeout
            self.writeTimeout = writeTimeout
            self.shutdownGrace = shutdownGrace
            self.metricsToken = metricsToken
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case host, port
            case maxBodyBytes = "max_body_bytes"
            case maxResponseBytes = "max_response_bytes"
            case listenBacklog = "listen_backlog"
            case maxConnections = "max_connections"
            case headerTimeout = "header_timeout"
            case idleTimeout = "idle_timeout"
            case bodyTimeout = "body_timeout"
            case writeTimeout = "write_timeout"
            case shutdownGrace = "shutdown_grace"
            case metricsToken = "metrics_token"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            let d = Server()
            host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
            maxBodyBytes = try c.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? d.maxBodyBytes
            maxResponseBytes = try c.decodeIfPresent(Int.self, forKey: .maxResponseBytes) ?? d.maxResponseBytes
            listenBacklog = try c.decodeIfPresent(Int.self, forKey: .listenBacklog) ?? d.listenBacklog
            maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections)
            headerTimeout = try Self.positive(c.durationIfPresent(forKey: .headerTimeout), .headerTimeout, in: c) ?? d.headerTimeout
            idleTimeout = try Self.positive(c.durationIfPresent(forKey: .idleTimeout), .idleTimeout, in: c) ?? d.idleTimeout
            bodyTimeout = try Self.positive(c.durationIfPresent(forKey: .bodyTimeout), .bodyTimeout, in: c) ?? d.bodyTimeout
            writeTimeout = try Self.positive(c.durationIfPresent(forKey: .writeTimeout), .writeTimeout, in: c) ?? d.writeTimeout
            shutdownGrace = try Self.positive(c.durationIfPresent(forKey: .shutdownGrace), .shutdownGrace, in: c) ?? d.shutdownGrace
            metricsToken = try c.decodeIfPresent(String.self, forKey: .metricsToken)
            if let metricsToken, metricsToken.isEmpty {
                try c.problem(.metricsToken, "must not be empty (leave it out to serve metrics openly)")
            }
            if listenBacklog < 1 || listenBacklog > Int(Int32.max) {
                try c.problem(.listenBacklog, "must be between 1 and \(Int32.max)")
            }
            if let maxConnections, maxConnections < 1 {
                try c.problem(.maxConnections, "must be at least 1")
            }
        }

        /// A time-out must be longer than zero: a zero one would close every connection at once.
        static func positive(_ duration: Duration?, _ key: CodingKeys, in c: ConfigurationFields<CodingKeys>) throws -> Duration? {
            guard let duration, duration <= .zero else { return duration }
            try c.problem(key, "must be longer than zero (e.g. 250ms, 10s)")
            return nil
        }
    }
}
