/// The gateway's configuration, decoded from YAML (or JSON) at the edge.
///
/// Every field has a default except providers, models and keys. Unknown keys are errors, so a
/// typo fails fast with its key path instead of being ignored. See `docs/configuration.md`.
public struct GatewayConfiguration: Sendable, Hashable, Decodable {
    /// The HTTP listener.
    public var server: Server
    /// Where the ledger lives.
    public var storage: Storage
    /// Price catalog sources and overrides.
    public var pricing: Pricing
    /// Upstream providers.
    public var providers: [Provider]
    /// Model names callers may use, and where each goes.
    public var models: [ModelRoute]
    /// Caller keys and the principals they map to.
    public var keys: [Key]
    /// Budgets, limits, policies, kill switches and the workflow registry.
    public var governance: GovernanceConfiguration
    /// The admin API.
    public var admin: Admin
    /// Report targets and the chargeback rate card (`reports:`).
    public var reports: ReportsConfiguration = .init()

    /// Creates a configuration.
    public init(
        server: Server = .init(), storage: Storage = .init(), pricing: Pricing = .init(), providers: [Provider],
        models: [ModelRoute], keys: [Key], governance: GovernanceConfiguration = .init(), admin: Admin = .init()
    ) {
        self.server = server
        self.storage = storage
        self.pricing = pricing
        self.providers = providers
        self.models = models
        self.keys = keys
        self.governance = governance
        self.admin = admin
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case server, storage, pricing, providers, models, keys, governance, admin, reports }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decodeIfPresent(Server.self, forKey: .server) ?? .init()
        storage = try c.decodeIfPresent(Storage.self, forKey: .storage) ?? .init()
        pricing = try c.decodeIfPresent(Pricing.self, forKey: .pricing) ?? .init()
        providers = try c.decode([Provider].self, forKey: .providers)
        models = try c.decode([ModelRoute].self, forKey: .models)
        keys = try c.decodeIfPresent([Key].self, forKey: .keys) ?? []
        reports = try c.decodeIfPresent(ReportsConfiguration.self, forKey: .reports) ?? .init()
        governance = try c.decodeIfPresent(GovernanceConfiguration.self, forKey: .governance) ?? .init()
        admin = try c.decodeIfPresent(Admin.self, forKey: .admin) ?? .init()
    }

    /// The admin API (keys, kill switches, budget status); off unless a key is set.
    public struct Admin: Sendable, Hashable, Decodable {
        /// The admin credential, sent as a bearer token to `/admin/...` (write it as `${ENV_VAR}`).
        public var key: String?

        /// Creates admin settings.
        public init(key: String? = nil) { self.key = key }

        enum CodingKeys: String, CodingKey, CaseIterable { case key }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decodeIfPresent(String.self, forKey: .key)
        }
    }

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
        /// On SIGTERM, how long open connections may finish their exchange before they are closed (20 s by default).
        public var shutdownGrace: Duration

        /// Creates listener settings.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 32 << 20, maxResponseBytes: Int = 64 << 20,
            listenBacklog: Int = 4_096, maxConnections: Int? = nil, headerTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(60), bodyTimeout: Duration = .seconds(60), shutdownGrace: Duration = .seconds(20)
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
            self.shutdownGrace = shutdownGrace
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
            case shutdownGrace = "shutdown_grace"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Server()
            host = try c.decodeIfPresent(String.self, forKey: .host) ?? d.host
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
            maxBodyBytes = try c.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? d.maxBodyBytes
            maxResponseBytes = try c.decodeIfPresent(Int.self, forKey: .maxResponseBytes) ?? d.maxResponseBytes
            listenBacklog = try c.decodeIfPresent(Int.self, forKey: .listenBacklog) ?? d.listenBacklog
            maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections)
            headerTimeout = try Self.positive(c.decodeDurationIfPresent(forKey: .headerTimeout), .headerTimeout, in: c) ?? d.headerTimeout
            idleTimeout = try Self.positive(c.decodeDurationIfPresent(forKey: .idleTimeout), .idleTimeout, in: c) ?? d.idleTimeout
            bodyTimeout = try Self.positive(c.decodeDurationIfPresent(forKey: .bodyTimeout), .bodyTimeout, in: c) ?? d.bodyTimeout
            shutdownGrace = try Self.positive(c.decodeDurationIfPresent(forKey: .shutdownGrace), .shutdownGrace, in: c) ?? d.shutdownGrace
            if listenBacklog < 1 || listenBacklog > Int(Int32.max) {
                throw DecodingError.dataCorruptedError(forKey: .listenBacklog, in: c, debugDescription: "must be between 1 and \(Int32.max)")
            }
            if let maxConnections, maxConnections < 1 {
                throw DecodingError.dataCorruptedError(forKey: .maxConnections, in: c, debugDescription: "must be at least 1")
            }
        }

        /// A time-out must be longer than zero: a zero one would close every connection at once.
        static func positive(_ duration: Duration?, _ key: CodingKeys, in c: KeyedDecodingContainer<CodingKeys>) throws -> Duration? {
            guard let duration, duration <= .zero else { return duration }
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "must be longer than zero (e.g. 250ms, 10s)")
        }
    }

    /// Ledger storage.
    public struct Storage: Sendable, Hashable, Decodable {
        /// Path of the SQLite ledger file.
        public var sqlitePath: String
        /// Entries the write-behind queue holds before callers wait for room.
        public var queueCapacity: Int
        /// Most records written in one transaction.
        public var batchSize: Int

        /// Creates storage settings.
        public init(sqlitePath: String = "tollgate.sqlite", queueCapacity: Int = 65_536, batchSize: Int = 1_024) {
            self.sqlitePath = sqlitePath
            self.queueCapacity = queueCapacity
            self.batchSize = batchSize
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sqlitePath = "sqlite_path"
            case queueCapacity = "queue_capacity"
            case batchSize = "batch_size"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Storage()
            sqlitePath = try c.decodeIfPresent(String.self, forKey: .sqlitePath) ?? d.sqlitePath
            queueCapacity = try c.decodeIfPresent(Int.self, forKey: .queueCapacity) ?? d.queueCapacity
            batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        }
    }

    /// Price catalog sources.
    public struct Pricing: Sendable, Hashable, Decodable {
        /// Whether the built-in catalog (the pinned LiteLLM snapshot) is loaded. True by default.
        public var builtinCatalog: Bool
        /// Prices declared in the configuration; they win over catalog prices from the same date.
        public var prices: [PriceOverride]

        /// Creates pricing settings.
        public init(builtinCatalog: Bool = true, prices: [PriceOverride] = []) {
            self.builtinCatalog = builtinCatalog
            self.prices = prices
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case builtinCatalog = "builtin_catalog"
            case prices
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            builtinCatalog = try c.decodeIfPresent(Bool.self, forKey: .builtinCatalog) ?? true
            prices = try c.decodeIfPresent([PriceOverride].self, forKey: .prices) ?? []
        }
    }

    /// A price given in the configuration, in USD per one million tokens, as exact decimal text.
    public struct PriceOverride: Sendable, Hashable, Decodable {
        /// The catalog key (model name) priced.
        public var model: String
        /// First day the price applies, `YYYY-MM-DD` (UTC); omitted means always.
        public var effectiveFrom: String?
        /// Uncached input, USD per 1M tokens.
        public var input: String
        /// Output, USD per 1M tokens.
        public var output: String
        /// Cache reads, USD per 1M tokens (defaults to input).
        public var cacheRead: String?
        /// Cache writes (5-minute TTL), USD per 1M tokens (defaults to input).
        public var cacheWrite: String?
        /// Cache writes with a 1-hour TTL, USD per 1M tokens (defaults to cache_write).
        public var cacheWrite1h: String?
        /// Reasoning output, USD per 1M tokens (defaults to output).
        public var reasoning: String?

        /// Creates a price override.
        public init(
            model: String, effectiveFrom: String? = nil, input: String, output: String, cacheRead: String? = nil,
            cacheWrite: String? = nil, cacheWrite1h: String? = nil, reasoning: String? = nil
        ) {
            self.model = model
            self.effectiveFrom = effectiveFrom
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.cacheWrite1h = cacheWrite1h
            self.reasoning = reasoning
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model, input, output, reasoning
            case effectiveFrom = "effective_from"
            case cacheRead = "cache_read"
            case cacheWrite = "cache_write"
            case cacheWrite1h = "cache_write_1h"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            effectiveFrom = try c.decodeIfPresent(String.self, forKey: .effectiveFrom)
            input = try c.decodeDecimalText(forKey: .input)
            output = try c.decodeDecimalText(forKey: .output)
            cacheRead = try c.decodeDecimalTextIfPresent(forKey: .cacheRead)
            cacheWrite = try c.decodeDecimalTextIfPresent(forKey: .cacheWrite)
            cacheWrite1h = try c.decodeDecimalTextIfPresent(forKey: .cacheWrite1h)
            reasoning = try c.decodeDecimalTextIfPresent(forKey: .reasoning)
        }
    }

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
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            kind = try c.decode(Kind.self, forKey: .kind)
            baseURL = try c.decode(String.self, forKey: .baseURL)
            apiKey = try c.decodeIfPresent(String.self, forKey: .apiKey)
            apiKeyEnv = try c.decodeIfPresent(String.self, forKey: .apiKeyEnv)
            timeouts = try c.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? .init()
            retries = try c.decodeIfPresent(Retries.self, forKey: .retries) ?? .init()
            forwardHeaders = try c.decodeIfPresent([String].self, forKey: .forwardHeaders) ?? []
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
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Timeouts()
            connect = try c.decodeDurationIfPresent(forKey: .connect) ?? d.connect
            firstByte = try c.decodeDurationIfPresent(forKey: .firstByte) ?? d.firstByte
            idleRead = try c.decodeDurationIfPresent(forKey: .idleRead) ?? d.idleRead
            total = try c.decodeDurationIfPresent(forKey: .total) ?? d.total
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
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Retries()
            maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? d.maxAttempts
            initialBackoff = try c.decodeDurationIfPresent(forKey: .initialBackoff) ?? d.initialBackoff
            maxBackoff = try c.decodeDurationIfPresent(forKey: .maxBackoff) ?? d.maxBackoff
            maxElapsed = try c.decodeDurationIfPresent(forKey: .maxElapsed) ?? d.maxElapsed
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
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            provider = try c.decode(String.self, forKey: .provider)
            upstreamModel = try c.decodeIfPresent(String.self, forKey: .upstreamModel)
            priceAs = try c.decodeIfPresent(String.self, forKey: .priceAs)
            aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        }
    }

    /// A caller key and the principal it authenticates.
    public struct Key: Sendable, Hashable, Decodable {
        /// The key's name (safe to log; recorded on entries).
        public var name: String
        /// The secret callers send as a bearer token (write it as `${ENV_VAR}`).
        public var key: String
        /// Organisation.
        public var org: String?
        /// Team.
        public var team: String?
        /// Application.
        public var app: String?
        /// Environment.
        public var environment: String?
        /// Cost centre.
        public var costCenter: String?
        /// Default workflow.
        public var workflow: String?
        /// Whether callers may override the workflow with `x-tollgate-workflow` (true by default).
        public var allowOverride: Bool
        /// Models (configured names) the key may call; nil allows all.
        public var allowedModels: [String]?

        /// Creates a key.
        public init(
            name: String, key: String, org: String? = nil, team: String? = nil, app: String? = nil, environment: String? = nil,
            costCenter: String? = nil, workflow: String? = nil, allowOverride: Bool = true, allowedModels: [String]? = nil
        ) {
            self.allowedModels = allowedModels
            self.name = name
            self.key = key
            self.org = org
            self.team = team
            self.app = app
            self.environment = environment
            self.costCenter = costCenter
            self.workflow = workflow
            self.allowOverride = allowOverride
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, key, org, team, app, environment, workflow
            case costCenter = "cost_center"
            case allowOverride = "allow_override"
            case allowedModels = "allowed_models"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            key = try c.decode(String.self, forKey: .key)
            org = try c.decodeIfPresent(String.self, forKey: .org)
            team = try c.decodeIfPresent(String.self, forKey: .team)
            app = try c.decodeIfPresent(String.self, forKey: .app)
            environment = try c.decodeIfPresent(String.self, forKey: .environment)
            costCenter = try c.decodeIfPresent(String.self, forKey: .costCenter)
            workflow = try c.decodeIfPresent(String.self, forKey: .workflow)
            allowOverride = try c.decodeIfPresent(Bool.self, forKey: .allowOverride) ?? true
            allowedModels = try c.decodeIfPresent([String].self, forKey: .allowedModels)
        }

        /// The principal this key authenticates.
        public var principal: Principal {
            Principal(
                keyID: name, org: org, team: team, app: app, environment: environment, costCenter: costCenter,
                defaultWorkflow: workflow, allowsOverride: allowOverride, allowedModels: allowedModels.map(Set.init)
            )
        }
    }
}
