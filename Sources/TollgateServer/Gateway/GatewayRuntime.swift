import Foundation
public import TollgateCore
public import TollgateProviders

/// The configuration resolved for serving: lookups by key and model, provider secrets read.
///
/// Built once at start-up from a ``GatewayConfiguration`` and the process environment; every
/// problem is reported with its key path before anything listens.
public struct GatewayRuntime: Sendable {
    /// A provider ready to be called.
    public struct ResolvedProvider: Sendable {
        /// The configured provider.
        public var configuration: GatewayConfiguration.Provider
        /// The base URL without a trailing slash.
        public var baseURL: String
        /// The API key (never logged).
        var apiKey: String?
        /// The dialect the provider speaks.
        public var dialect: Dialect {
            configuration.kind == .anthropic ? .anthropic : .openai
        }
    }

    /// A model callers may name.
    public struct ResolvedModel: Sendable {
        /// The name callers use for it (the configured name, not the alias used).
        public var name: String
        /// The provider serving it.
        public var provider: ResolvedProvider
        /// The name sent upstream.
        public var upstreamModel: String
        /// The catalog key pricing it.
        public var priceModel: String
    }

    /// The configuration it was built from.
    public let configuration: GatewayConfiguration
    /// Providers by name.
    public let providers: [String: ResolvedProvider]
    /// Models by every name and alias.
    public let models: [String: ResolvedModel]
    /// Configured model names in configuration order.
    public let modelNames: [String]
    /// Principals by secret key, from the configuration file.
    public let principals: [String: Principal]
    /// Governance rules, compiled.
    public let governance: GovernanceRules

    /// Resolves a configuration.
    /// - Parameter environment: Where `api_key_env` names are looked up.
    /// - Throws: ``ConfigurationError`` listing every problem with its key path.
    public init(configuration: GatewayConfiguration, environment: [String: String]) throws {
        var issues: [ConfigurationError.Issue] = []
        let providers = Self.providers(configuration, environment: environment, issues: &issues)
        let models = Self.models(configuration, providers: providers, issues: &issues)
        let principals = Self.principals(configuration, models: models, issues: &issues)
        issues += Self.serverIssues(configuration, principals: principals)
        var governance = GovernanceRules.none
        do {
            governance = try GovernanceRules(
                configuration.governance, models: Set(models.keys), providers: Set(providers.keys), path: "governance")
        } catch {
            issues += error.issues
        }
        issues += configuration.levers.issues(models: Set(models.keys), providers: Set(providers.keys))
        if !issues.isEmpty { throw ConfigurationError(issues: issues) }
        self.governance = governance
        self.configuration = configuration
        self.providers = providers
        self.models = models
        self.modelNames = configuration.models.map(\.name)
        self.principals = principals
    }

    /// The providers by name, with their base URLs checked and their keys read from the environment.
    static func providers(
        _ configuration: GatewayConfiguration, environment: [String: String], issues: inout [ConfigurationError.Issue]
    ) -> [String: ResolvedProvider] {
        var providers: [String: ResolvedProvider] = [:]
        for (i, provider) in configuration.providers.enumerated() {
            let path = "providers[\(i)]"
            if provider.name.isEmpty { issues.append(.init(path: "\(path).name", message: "must not be empty")) }
            if providers[provider.name] != nil {
                issues.append(.init(path: "\(path).name", message: "duplicate provider name '\(provider.name)'"))
            }
            var base = provider.baseURL
            while base.hasSuffix("/") { base.removeLast() }
            if !(base.hasPrefix("http://") || base.hasPrefix("https://")) || UpstreamConnectionPool.Endpoint.parse(baseURL: base) == nil {
                issues.append(.init(path: "\(path).base_url", message: "'\(provider.baseURL)' is not an http(s) URL"))
            }
            if let file = provider.tlsCAFile {
                if !base.hasPrefix("https://") {
                    issues.append(.init(path: "\(path).tls_ca_file", message: "only applies to an https base_url"))
                } else if !FileManager.default.isReadableFile(atPath: file) {
                    issues.append(.init(path: "\(path).tls_ca_file", message: "cannot read '\(file)'"))
                }
            }
            var key = provider.apiKey
            if let name = provider.apiKeyEnv {
                if let value = environment[name], !value.isEmpty {
                    key = value
                } else {
                    issues.append(.init(path: "\(path).api_key_env", message: "environment variable \(name) is not set"))
                }
            }
            if provider.retries.maxAttempts < 1 || provider.retries.maxAttempts > 10 {
                issues.append(.init(path: "\(path).retries.max_attempts", message: "must be between 1 and 10"))
            }
            providers[provider.name] = ResolvedProvider(configuration: provider, baseURL: base, apiKey: key)
        }
        return providers
    }

    /// The models by every name and alias.
    static func models(
        _ configuration: GatewayConfiguration, providers: [String: ResolvedProvider], issues: inout [ConfigurationError.Issue]
    ) -> [String: ResolvedModel] {
        var models: [String: ResolvedModel] = [:]
        for (i, model) in configuration.models.enumerated() {
            let path = "models[\(i)]"
            guard let provider = providers[model.provider] else {
                let known = configuration.providers.map(\.name).joined(separator: ", ")
                issues.append(.init(path: "\(path).provider", message: "unknown provider '\(model.provider)' (configured: \(known))"))
                continue
            }
            let upstream = model.upstreamModel ?? model.name
            let resolved = ResolvedModel(name: model.name, provider: provider, upstreamModel: upstream, priceModel: model.priceAs ?? upstream)
            for name in [model.name] + model.aliases {
                if models[name] != nil {
                    issues.append(.init(path: "\(path)", message: "model name or alias '\(name)' is defined twice"))
                }
                models[name] = resolved
            }
        }
        return models
    }

    /// The configured keys' principals by secret.
    static func principals(
        _ configuration: GatewayConfiguration, models: [String: ResolvedModel], issues: inout [ConfigurationError.Issue]
    ) -> [String: Principal] {
        var principals: [String: Principal] = [:]
        var keyNames: Set<String> = []
        for (i, key) in configuration.keys.enumerated() {
            let path = "keys[\(i)]"
            if key.key.count < 8 { issues.append(.init(path: "\(path).key", message: "must be at least 8 characters")) }
            if principals[key.key] != nil { issues.append(.init(path: "\(path).key", message: "the same secret is used by two keys")) }
            if !keyNames.insert(key.name).inserted { issues.append(.init(path: "\(path).name", message: "duplicate key name '\(key.name)'")) }
            principals[key.key] = key.principal
            for (j, model) in (key.allowedModels ?? []).enumerated() where models[model] == nil {
                issues.append(.init(path: "\(path).allowed_models[\(j)]", message: "unknown model '\(model)'"))
            }
        }
        return principals
    }

    /// Problems with the server, pricing and admin sections.
    static func serverIssues(_ configuration: GatewayConfiguration, principals: [String: Principal]) -> [ConfigurationError.Issue] {
        var issues: [ConfigurationError.Issue] = []
        if configuration.server.maxBodyBytes < 1_024 {
            issues.append(.init(path: "server.max_body_bytes", message: "must be at least 1024"))
        }
        if configuration.server.port < 0 || configuration.server.port > 65_535 {
            issues.append(.init(path: "server.port", message: "must be between 0 and 65535"))
        }
        for (i, price) in configuration.pricing.prices.enumerated()
        where price.effectiveFrom.flatMap(CivilDate.unixSeconds) == nil
            && price.effectiveFrom != nil
        {
            issues.append(.init(path: "pricing.prices[\(i)].effective_from", message: "'\(price.effectiveFrom!)' is not a YYYY-MM-DD date"))
        }
        if let key = configuration.admin.key {
            if key.count < 16 { issues.append(.init(path: "admin.key", message: "must be at least 16 characters")) }
            if principals[key] != nil { issues.append(.init(path: "admin.key", message: "must differ from every caller key")) }
        }
        return issues
    }
}
