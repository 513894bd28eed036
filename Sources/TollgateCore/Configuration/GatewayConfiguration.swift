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
    /// The cost levers (`levers:`): the response cache.
    public var levers: LeversConfiguration = .init()

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

    enum CodingKeys: String, CodingKey, CaseIterable { case server, storage, pricing, providers, models, keys, governance, admin, reports, levers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.fields(CodingKeys.self)
        server = try c.decodeIfPresent(Server.self, forKey: .server) ?? .init()
        storage = try c.decodeIfPresent(Storage.self, forKey: .storage) ?? .init()
        pricing = try c.decodeIfPresent(Pricing.self, forKey: .pricing) ?? .init()
        providers = try c.list(Provider.self, requiredKey: .providers)
        models = try c.list(ModelRoute.self, requiredKey: .models)
        keys = try c.list(Key.self, forKey: .keys) ?? []
        reports = try c.decodeIfPresent(ReportsConfiguration.self, forKey: .reports) ?? .init()
        governance = try c.decodeIfPresent(GovernanceConfiguration.self, forKey: .governance) ?? .init()
        admin = try c.decodeIfPresent(Admin.self, forKey: .admin) ?? .init()
        levers = try c.decodeIfPresent(LeversConfiguration.self, forKey: .levers) ?? .init()
    }

    /// The admin API (keys, kill switches, budget status); off unless a key is set.
    public struct Admin: Sendable, Hashable, Decodable {
        /// The admin credential, sent as a bearer token to `/admin/...` (write it as `${ENV_VAR}`).
        public var key: String?

        /// Creates admin settings.
        public init(key: String? = nil) { self.key = key }

        enum CodingKeys: String, CodingKey, CaseIterable { case key }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.fields(CodingKeys.self)
            key = try c.decodeIfPresent(String.self, forKey: .key)
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
            let c = try decoder.fields(CodingKeys.self)
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
            let c = try decoder.fields(CodingKeys.self)
            builtinCatalog = try c.decodeIfPresent(Bool.self, forKey: .builtinCatalog) ?? true
            prices = try c.list(PriceOverride.self, forKey: .prices) ?? []
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
            let c = try decoder.fields(CodingKeys.self)
            model = try c.decode(String.self, forKey: .model, else: "")
            effectiveFrom = try c.decodeIfPresent(String.self, forKey: .effectiveFrom)
            input = try c.decimalText(forKey: .input)
            output = try c.decimalText(forKey: .output)
            cacheRead = try c.decimalTextIfPresent(forKey: .cacheRead)
            cacheWrite = try c.decimalTextIfPresent(forKey: .cacheWrite)
            cacheWrite1h = try c.decimalTextIfPresent(forKey: .cacheWrite1h)
            reasoning = try c.decimalTextIfPresent(forKey: .reasoning)
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
            let c = try decoder.fields(CodingKeys.self)
            name = try c.decode(String.self, forKey: .name, else: "")
            key = try c.decode(String.self, forKey: .key, else: "")
            org = try c.decodeIfPresent(String.self, forKey: .org)
            team = try c.decodeIfPresent(String.self, forKey: .team)
            app = try c.decodeIfPresent(String.self, forKey: .app)
            environment = try c.decodeIfPresent(String.self, forKey: .environment)
            costCenter = try c.decodeIfPresent(String.self, forKey: .costCenter)
            workflow = try c.decodeIfPresent(String.self, forKey: .workflow)
            allowOverride = try c.decodeIfPresent(Bool.self, forKey: .allowOverride) ?? true
            allowedModels = try c.list(String.self, forKey: .allowedModels)
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
