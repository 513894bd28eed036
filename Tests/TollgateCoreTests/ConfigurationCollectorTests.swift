import Foundation
import Testing

@testable import TollgateCore

/// Decoding a configuration with a collector finds every problem in one pass; without one, the first
/// problem is thrown as before.
@Suite struct ConfigurationCollectorTests {
    static let mistakes = """
        {
          "server": {"prot": 8080, "port": "eighty", "idle_timeout": "0s"},
          "providers": [{"name": "openai", "kind": "opneai", "base_url": "https://api.openai.com/v1"}, 7],
          "models": [{"name": "gpt-4o-mini"}],
          "governance": {
            "budgets": [{"name": "b", "limit_usd": 5, "mode": "guess", "thresholds": [50, "x"]}],
            "rate_limits": [{"name": "r", "requests_per_minute": "many"}]
          }
        }
        """

    static func decode(_ text: String, collector: ConfigurationIssueCollector?) throws -> GatewayConfiguration {
        let decoder = JSONDecoder()
        if let collector { decoder.userInfo[ConfigurationIssueCollector.userInfoKey] = collector }
        return try decoder.decode(GatewayConfiguration.self, from: Data(text.utf8))
    }

    @Test func everyProblemIsCollectedWithItsPath() throws {
        let collector = ConfigurationIssueCollector()
        let configuration = try Self.decode(Self.mistakes, collector: collector)
        let found = Dictionary(collector.issues.map { ($0.path, $0.message) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(found["server.prot"] == "unknown key 'prot' (did you mean 'port'?)")
        #expect(found["server.port"] == "expected an integer")
        #expect(found["server.idle_timeout"]?.contains("longer than zero") == true)
        #expect(found["providers[0].kind"] == "'opneai' is not one of openai, openai_compatible, anthropic")
        #expect(found["providers[1]"] != nil)
        #expect(found["models[0].provider"] == "required key is missing")
        #expect(found["governance.budgets[0].mode"] == "'guess' is not one of strict, estimate")
        #expect(found["governance.budgets[0].thresholds[1]"] == "expected an integer")
        #expect(found["governance.rate_limits[0].requests_per_minute"] == "expected an integer")
        #expect(collector.issues.count == 9)
        // Decoding went on with defaults where values were wrong, and kept what was right.
        #expect(configuration.server.port == 8080)
        #expect(configuration.providers.map(\.name) == ["openai"])
        #expect(configuration.governance.budgets.first?.limitUSD == "5")
        #expect(configuration.governance.budgets.first?.thresholds == [50])
    }

    @Test func withoutACollectorTheFirstProblemIsThrown() {
        #expect(throws: DecodingError.self) { try Self.decode(Self.mistakes, collector: nil) }
    }

    @Test func closeKeysAreSuggested() {
        #expect(KeySuggestion.closest(to: "prot", in: ["host", "port"]) == "port")
        #expect(KeySuggestion.closest(to: "perod", in: ["name", "period", "scope"]) == "period")
        #expect(KeySuggestion.closest(to: "colour", in: ["name", "period"]) == nil)
    }

    @Test func unknownKeysFarFromAnyKnownOneListTheKnownKeys() throws {
        let collector = ConfigurationIssueCollector()
        _ = try Self.decode(#"{"storage": {"zzz": 1}, "providers": [], "models": []}"#, collector: collector)
        #expect(collector.issues.map(\.message) == ["unknown key 'zzz' (expected one of: batch_size, queue_capacity, sqlite_path)"])
        #expect(collector.issues.map(\.path) == ["storage.zzz"])
    }
}
