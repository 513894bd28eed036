import Testing
import TollgateCore
import TollgateServer

@testable import TollgateCLI

/// The `levers:` section: every problem at its line and key path, in one run, with the rest of the file's.
@Suite struct LeversConfigurationTests {
    static let head = """
        providers: [{name: up, kind: openai, base_url: "http://127.0.0.1:9/v1", api_key: sk-upstream}]
        models: [{name: gpt-4o-mini, provider: up}]
        """

    @Test func everyLeverProblemHasItsKeyPath() {
        let text =
            Self.head + "\n"
                + """
                levers:
                  cache:
                    max_bytes: 0                                                  # ← at least 1
                    rules:
                      - {name: a, match: {workflow: faq}, ttl: 0s, scope: tenant}   # ← ttl, scope
                      - {name: a, match: {model: gpt-9}, any_temprature: true}      # ← duplicate, unknown model, typo
                      - {match: {provider: nowhere}}                                # ← no name, unknown provider
                  semantic: {}                                                     # ← not a lever
                """
        let l = { ConfigurationCheckTests.line($0, in: text) }
        let problems = ConfigurationCheckTests.problems(text)
        let expected = [
            "t.yaml:\(l("max_bytes")): levers.cache.max_bytes: must be at least 1",
            "t.yaml:\(l("tenant")): levers.cache.rules[0].ttl: must be longer than zero",
            "t.yaml:\(l("tenant")): levers.cache.rules[0].scope: 'tenant' is not one of team, workflow, global",
            "t.yaml:\(l("temprature")): levers.cache.rules[1].any_temprature: unknown key 'any_temprature' (did you mean 'any_temperature'?)",
            "t.yaml:\(l("nowhere")): levers.cache.rules[2].name: required key is missing",
            "t.yaml:\(l("semantic")): levers.semantic: unknown key 'semantic' (expected one of: cache, context, fallbacks, routing)",
            "t.yaml:\(l("temprature")): levers.cache.rules[1].name: duplicate cache rule name 'a'",
            "t.yaml:\(l("temprature")): levers.cache.rules[1].match.model: unknown model 'gpt-9'",
            "t.yaml:\(l("nowhere")): levers.cache.rules[2].match.provider: unknown provider 'nowhere'",
        ]
        #expect(problems.sorted() == expected.sorted(), "\(problems)")
    }

    @Test func everyRoutingProblemHasItsKeyPath() {
        let text =
            Self.head + "\n"
                + """
                levers:
                  routing:
                    tiers:
                      small: [gpt-4o-mini, gpt-7]                                      # ← unknown model
                      empty: []                                                        # ← no model
                    rules:
                      - {name: a, to: gpt-9}                                            # ← unknown model
                      - {name: a, tier: tiny}                                           # ← duplicate, unknown tier
                      - {name: c, to: gpt-4o-mini, tier: small}                         # ← two targets
                      - {name: d, router: r.json, threshold: 1.5}                       # ← threshold out of range
                      - {name: e, to: gpt-4o-mini, threshold: 0.5, max_input_tokens: -1} # ← threshold without router, bad range
                      - {name: f, tier: small, match: {model: gpt-5}, tool: true}        # ← unknown model, typo
                """
        let l = { ConfigurationCheckTests.line($0, in: text) }
        let problems = ConfigurationCheckTests.problems(text)
        let expected = [
            "t.yaml:\(l("gpt-7")): levers.routing.tiers.small[1]: unknown model 'gpt-7'",
            "t.yaml:\(l("empty")): levers.routing.tiers.empty: a tier needs at least one model",
            "t.yaml:\(l("gpt-9")): levers.routing.rules[0].to: unknown model 'gpt-9'",
            "t.yaml:\(l("tiny")): levers.routing.rules[1].name: duplicate routing rule name 'a'",
            "t.yaml:\(l("tiny")): levers.routing.rules[1].tier: unknown tier 'tiny' (tiers: empty, small)",
            "t.yaml:\(l("two targets")): levers.routing.rules[2]: give exactly one of 'to' (a model), 'tier' or 'router'",
            "t.yaml:\(l("1.5")): levers.routing.rules[3].threshold: must be between 0 and 1",
            "t.yaml:\(l("1.5")): levers.routing.rules[3].router: learned routers are not available in this version; use 'to' or 'tier'",
            "t.yaml:\(l("0.5")): levers.routing.rules[4].threshold: applies only to a rule with a router",
            "t.yaml:\(l("0.5")): levers.routing.rules[4].max_input_tokens: must be at least min_input_tokens (0)",
            "t.yaml:\(l("gpt-5")): levers.routing.rules[5].tool: unknown key 'tool' (did you mean 'tools'?)",
            "t.yaml:\(l("gpt-5")): levers.routing.rules[5].match.model: unknown model 'gpt-5'",
        ]
        #expect(problems.sorted() == expected.sorted(), "\(problems)")
    }

    @Test func theFingerprintNamesTheSettingsNotTheirSpelling() throws {
        func version(_ yaml: String) throws -> String? {
            try ConfigurationLoader.load(text: Self.head + "\n" + yaml, origin: "t.yaml", environment: [:]).configuration.levers.version
        }
        let a = try version("levers: {cache: {rules: [{name: faq, match: {workflow: faq, team: support}, ttl: 1h}]}}")
        let b = try version("levers:\n  cache:\n    rules:\n      - name: faq\n        ttl: 60m\n        match: {team: support, workflow: faq}\n")
        let c = try version("levers: {cache: {rules: [{name: faq, match: {workflow: faq, team: support}, ttl: 2h}]}}")
        #expect(a != nil && a == b && a != c)
        #expect(a?.count == 12)
        #expect(try version("") == nil)
    }
}
