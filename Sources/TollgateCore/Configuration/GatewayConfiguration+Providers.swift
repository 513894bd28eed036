extension GatewayConfiguration {
    /// An upstream provider.
    public struct Provider: Sendable, Hashable, Decodable {
        /// The provider's name, used by models and in the ledger.
        public var name: String
        /// Which API it speaks.
        public var kind: Kind
        /// Base URL, e.g. `https://api.openai.com/v1` or `https://api.anthropic.com`.
        public var baseURL: String
        /// The provider API key, usually written as `${ENV_VAR}`; never logged.
        public var apiKey: String?
        /// Name of an environment variable holding the API key (read at start-up).
        public var apiKeyEnv: String?
        /// Timeouts.
        public var timeouts: Timeouts
        /// Retry policy for failures before the first response byte.
        public var retries: Retries
        /// Request header names (or prefixes ending in `*`) forwarded from callers, besides the dialect's own.
        public var forwardHeaders: [String]
        /// A PEM file of certificate authorities to trust for this provider's `https` base URL instead of
        /// the system's (a private CA in front of a self-hosted model server).
        public var tlsCAFile: String?

        /// Creates a provider.
        public init(
            name: String, kind: Kind, baseURL: String, apiKey: String? = nil, apiKeyEnv: String? = nil,
            timeouts: Timeouts = .init(), retries: Retries = .init(), forwardHeaders: [String] = [], tlsCAFile: String? = nil
        ) {
            self.tlsCAFile = tlsCAFile
            self.name = name
            self.kind = kind
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.apiKeyEnv = apiKeyEnv
            self.timeouts = timeouts
            self.retries = retries
            self.forwardHeaders = forwardHeaders
        }

        /// The API a provider speaks.
        public enum Kind: String, Sendable, Hashable, Decodable, CaseIterable {
            /// OpenAI itself.
            case openai
            /// Any OpenAI-compatible server.
            case openaiCompatible = "openai_compatible"
            /// Anthropic.
            case anthropic
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, kind, timeouts, retries
            case baseURL = "base_url"
            case apiKey = "api_key"
            case apiKeyEnv = "api_key_env"
            case forwardHeaders = "forward_headers"
            case tlsCAFile = "tls_ca_file"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            name = try c.decode(String.self, forKey: .name, else: "")
            kind = try c.choice(Kind.self, forKey: .kind, else: .openai)
            baseURL = try c.decode(String.self, forKey: .baseURL, else: "")
            apiKey = try c.decodeIfPresent(String.self, forKey: .apiKey)
            apiKeyEnv = try c.decodeIfPresent(String.self, forKey: .apiKeyEnv)
            timeouts = try c.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? .init()
            retries = try c.decodeIfPresent(Retries.self, forKey: .retries) ?? .init()
            forwardHeaders = try c.list(String.self, forKey: .forwardHeaders) ?? []
            tlsCAFile = try c.decodeIfPresent(String.self, forKey: .tlsCAFile)
        }
    }

    /// Upstream timeouts.
    public struct Timeouts: Sendable, Hashable, Decodable {
        /// To open a connection.
        public var connect: Duration
        /// From sending the request to the response head (for non-streaming calls: the whole generation).
        public var firstByte: Duration
        /// Longest silence between two reads of a response body.
        public var idleRead: Duration
        /// Longest a whole call (stream included) may take.
        public var total: Duration

        /// Creates timeouts.
        public init(
            connect: Duration = .seconds(10), firstByte: Duration = .seconds(120), idleRead: Duration = .seconds(60),
            total: Duration = .seconds(600)
        ) {
            self.connect = connect
            self.firstByte = firstByte
            self.idleRead = idleRead
            self.total = total
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case connect, total
            case firstByte = "first_byte"
            case idleRead = "idle_read"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            let d = Timeouts()
            connect = try c.durationIfPresent(forKey: .connect) ?? d.connect
            firstByte = try c.durationIfPresent(forKey: .firstByte) ?? d.firstByte
            idleRead = try c.durationIfPresent(forKey: .idleRead) ?? d.idleRead
            total = try c.durationIfPresent(forKey: .total) ?? d.total
        }
    }

    /// Upstream retry policy: connection errors and 408/429/5xx answers before the first byte.
    public struct Retries: Sendable, Hashable, Decodable {
        /// Attempts in all, the first included (1 disables retries).
        public var maxAttempts: Int
        /// Backoff before the first retry; doubles each time, with full jitter.
        public var initialBackoff: Duration
        /// Longest single backoff (a provider's `retry-after` is honoured up to this).
        public var maxBackoff: Duration
        /// No retry starts after this much time has passed since the first attempt.
        public var maxElapsed: Duration

        /// Creates a retry policy.
        public init(
            maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(5),
            maxElapsed: Duration = .seconds(20)
        ) {
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxElapsed = maxElapsed
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxAttempts = "max_attempts"
            case initialBackoff = "initial_backoff"
            case maxBackoff = "max_backoff"
            case maxElapsed = "max_elapsed"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            let d = Retries()
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts
            initialBackoff = try c.durationIfPresent(forKey: .initialBackoff) ?? d.initialBackoff
            maxBackoff = try c.durationIfPresent(forKey: .maxBackoff) ?? d.maxBackoff
            maxElapsed = try c.durationIfPresent(forKey: .maxElapsed) ?? d.maxElapsed
        }
    }

    /// A model name callers may use.
    public struct ModelRoute: Sendable, Hashable, Decodable {
        /// The name callers send.
        public var name: String
        /// The provider that serves it.
        public var provider: String
        /// The model name sent upstream (defaults to ``name``).
        public var upstreamModel: String?
        /// The catalog key that prices it (defaults to the upstream model).
        public var priceAs: String?
        /// Other names callers may use for the same model.
        public var aliases: [String]

        /// Creates a model route.
        public init(name: String, provider: String, upstreamModel: String? = nil, priceAs: String? = nil, aliases: [String] = []) {
            self.name = name
            self.provider = provider
            self.upstreamModel = upstreamModel
            self.priceAs = priceAs
            self.aliases = aliases
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, provider, aliases
            case upstreamModel = "upstream_model"
            case priceAs = "price_as"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            name = try c.decode(String.self, forKey: .name, else: "")
            provider = try c.decode(String.self, forKey: .provider, else: "")
            upstreamModel = try c.decodeIfPresent(String.self, forKey: .upstreamModel)
            priceAs = try c.decodeIfPresent(String.self, forKey: .priceAs)
            aliases = try c.list(String.self, forKey: .aliases) ?? []
        }
    }
}
