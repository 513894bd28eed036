public import Foundation
import Testing
public import TollgateCore

/// Shared helpers of the pricing tests.
public enum PricingTestSupport {
    /// Parses an inline LiteLLM JSON object into prices (all modes kept).
    public static func prices(_ json: String, effectiveFrom: Int64 = 0) throws -> [String: ModelPrice] {
        let list = try LiteLLMCatalog.parse(Array(json.utf8), effectiveFrom: effectiveFrom, modes: ["chat", "embedding"])
        return Dictionary(uniqueKeysWithValues: list.map { ($0.model, $0) })
    }

    /// Parses one inline chat entry body (`"input_cost_per_token": …`) as model `m`.
    public static func price(_ body: String) throws -> ModelPrice {
        try price("m", provider: "test", body)
    }

    /// Parses one inline chat entry body (`"input_cost_per_token": …`) as model `name`.
    public static func price(_ name: String, provider: String = "test", _ body: String) throws -> ModelPrice {
        let json = #"{"\#(name)": {"mode": "chat", "litellm_provider": "\#(provider)", \#(body)}}"#
        let parsed = try prices(json)
        return try #require(parsed[name])
    }

    /// The §4.4 verbatim entries.
    public static func verbatim() throws -> [String: ModelPrice] {
        try prices(PricingFixtures.verbatimEntries)
    }

    /// A per-token rate from text (fails the test when the text is not a rate).
    public static func rate(_ text: String) throws -> USDRate {
        try #require(USDRate(perToken: text))
    }

    /// Nano-USD of a cost, for compact expectations.
    public static func nano(_ price: ModelPrice, _ usage: TokenUsage, _ mode: PricingMode = .standard) throws -> Int64 {
        try price.cost(of: usage, mode: mode).totalNanoUSD
    }

    /// The repository root: the nearest directory above this file (symlinks resolved first,
    /// then as written) holding both `Package.swift` and `Tests/reference`.
    public static func repositoryRoot(filePath: String = #filePath) -> URL? {
        let written = URL(fileURLWithPath: filePath)
        for start in [written.resolvingSymlinksInPath(), written] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" && !directory.path.isEmpty {
                let manifest = directory.appendingPathComponent("Package.swift").path
                let reference = directory.appendingPathComponent("Tests/reference").path
                if FileManager.default.fileExists(atPath: manifest) && FileManager.default.fileExists(atPath: reference) {
                    return directory
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// The pinned LiteLLM snapshot: `<repo>/../shared/data/litellm-prices/…`.
    public static func snapshotURL(root: URL) -> URL {
        root.deletingLastPathComponent()
            .appendingPathComponent("shared/data/litellm-prices/model_prices_and_context_window.json")
            .standardizedFileURL
    }
}
