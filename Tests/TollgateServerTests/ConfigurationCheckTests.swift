import Testing
import TollgateCore
import TollgateServer

@testable import TollgateCLI

/// `config check`, `policy check` and `serve` read a file through one loader: every problem of the file
/// in one run, each with its line and key path, and one interpolation for all three.
@Suite struct ConfigurationCheckTests {
    /// A file with one mistake per marked line (`# ← ...`).
    static let broken = """
        server:
          prot: 8080                                            # ← unknown key
          max_body_bytes: lots                                  # ← type
        providers:
          - {name: openai, kind: openai, base_url: "https://api.openai.com/v1", api_key: "${CHECK_UNSET_KEY}"}   # ← unset
        models:
          - {name: gpt-4o-mini, provider: opneai}               # ← undefined provider
        governance:
          budgets:
            - {name: b, limit_usd: "0", scope: {model: gpt-9}}  # ← limit, undefined model
          policies:
            - {name: p, allow_models: [gpt-5]}                  # ← undefined model
        """

    /// The 1-based line of the first line of `text` containing `marker` (found independently of the loader).
    static func line(_ marker: String, in text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }! + 1
    }

    static func problems(_ text: String, environment: [String: String] = [:]) -> [String] {
        do {
            _ = try ConfigurationLoader.check(text: text, origin: "t.yaml", environment: environment)
            return []
        } catch let error as ConfigurationLoader.LoadError {
            return error.problems
        } catch {
            return ["\(error)"]
        }
    }

    @Test func everyProblemOfAFileIsReportedInOneRunWithItsLine() {
        let text = Self.broken
        let l = { Self.line($0, in: text) }
        let expected = [
            "t.yaml:\(l("prot")): server.prot: unknown key 'prot' (did you mean 'port'?)",
            "t.yaml:\(l("lots")): server.max_body_bytes: expected an integer",
            "t.yaml:\(l("CHECK_UNSET_KEY")): providers[0].api_key: environment variable CHECK_UNSET_KEY is not set (write ${CHECK_UNSET_KEY:-default} for a default)",
            "t.yaml:\(l("opneai")): models[0].provider: unknown provider 'opneai' (configured: openai)",
            "t.yaml:\(l("gpt-9")): governance.budgets[0].limit_usd: must be greater than 0",
            "t.yaml:\(l("gpt-9")): governance.budgets[0].scope.model: unknown model 'gpt-9'",
            "t.yaml:\(l("gpt-5")): governance.policies[0].allow_models[0]: unknown model 'gpt-5'",
        ]
        #expect(Self.problems(text) == expected)
    }

    @Test func aDefaultedVariableIsReadTheSameByEveryCheck() throws {
        let text = """
            server: {port: ${CHECK_UNSET_PORT:-8081}}
            providers: [{name: up, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: "${CHECK_UNSET_SECRET}"}]
            models: [{name: gpt-4o-mini, provider: up}]
            """
        let lint = try ConfigurationLoader.check(text: text, origin: "t.yaml", environment: [:], unset: .placeholder)
        #expect(lint.runtime.configuration.server.port == 8081)
        let served = try ConfigurationLoader.check(text: text, origin: "t.yaml", environment: ["CHECK_UNSET_SECRET": "sk-set"])
        #expect(served.runtime.configuration.server.port == 8081)
        #expect(
            Self.problems(text) == [
                "t.yaml:2: providers[0].api_key: environment variable CHECK_UNSET_SECRET is not set (write ${CHECK_UNSET_SECRET:-default} for a default)"
            ])
    }

    @Test func aYAMLSyntaxErrorNamesItsLine() {
        let problems = Self.problems("server:\n  port: [1\nproviders: []\n")
        #expect(problems.count == 1)
        let parts = problems.first?.split(separator: ":") ?? []
        #expect(parts.first == "t.yaml" && parts.count > 2 && Int(parts[1]) != nil)
        #expect(problems.first?.contains("not valid YAML") == true)
    }

    @Test func teamsNoKeyHasAreWarnings() throws {
        let text = """
            providers: [{name: up, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-upstream}]
            models: [{name: gpt-4o-mini, provider: up}]
            keys: [{name: k, key: sk-caller-1, team: support}]
            governance:
              budgets:
                - {name: b, limit_usd: "5", scope: {team: suport}}
            """
        let checked = try ConfigurationLoader.check(text: text, origin: "t.yaml", environment: [:])
        #expect(
            checked.warnings == [
                "t.yaml:6: governance.budgets[0].scope.team: warning: no key in this file has team 'suport' (only keys created through the admin API can match it)"
            ])
    }
}
