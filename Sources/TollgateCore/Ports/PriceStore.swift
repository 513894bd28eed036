/// Where dated price catalog versions are kept, so that every entry's price can be traced to the version that priced it.
public protocol PriceStore: Sendable {
    /// Stores a new dated catalog version (old versions are kept).
    /// - Throws: When a version with the same id exists.
    func importPrices(_ prices: [ModelPrice], version: StoredPriceVersion) async throws
    /// Every stored catalog version, oldest effective date first.
    func priceVersions() async throws -> [StoredPriceVersion]
    /// Every stored dated price, with the id of the version it belongs to.
    func storedPrices() async throws -> [(version: String, price: ModelPrice)]
    /// Records prices given in the configuration, each as a version of its own; a version already stored is skipped.
    func recordConfiguredPrices(_ prices: [(version: StoredPriceVersion, price: ModelPrice)]) async throws
}

/// A price catalog version stored in the ledger.
public struct StoredPriceVersion: Sendable, Hashable {
    /// Version id, e.g. `litellm-2026-11-26-1a2b3c4d`.
    public var id: String
    /// Where it came from.
    public var source: String
    /// SHA-256 of the imported file.
    public var sha256: String
    /// When it was imported (unix seconds).
    public var importedAt: Int64
    /// When its prices take effect (unix seconds).
    public var effectiveFrom: Int64
    /// Models priced.
    public var modelCount: Int

    /// Creates a version record.
    public init(id: String, source: String, sha256: String, importedAt: Int64, effectiveFrom: Int64, modelCount: Int) {
        self.id = id
        self.source = source
        self.sha256 = sha256
        self.importedAt = importedAt
        self.effectiveFrom = effectiveFrom
        self.modelCount = modelCount
    }
}

extension StoredPriceVersion {
    /// The `source` of the versions that hold prices given in the configuration.
    public static let configurationSource = "configuration"

    /// Whether the version holds a price given in the configuration (not an imported catalog).
    public var isConfigured: Bool { source == Self.configurationSource }
}
