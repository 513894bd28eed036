import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateServer

/// The admit stage alone: the key's allowlist and governance's routing decide together.
@Suite struct AdmitterTests {
    static let downgrade = """
        governance:
          budgets:
            - {name: gpt4o-cap, scope: {model: gpt-4o}, period: day, limit_usd: "0.000000001", action: downgrade, downgrade_to: gpt-4o-mini}
        """

    func admit(_ extra: String, key: String, model: String, route: RouteKind = .chatCompletions) async throws -> Result<Admitted, Refused> {
        let runtime = try PipelineFixtures.runtime(extra)
        let principal = PipelineFixtures.principal(runtime, key: key)
        let incoming = try PipelineFixtures.incoming(runtime, PipelineFixtures.chat(model), route: route)
        let admitter = try PipelineFixtures.admitter(runtime)
        return await admitter.admit(incoming, principal: principal, attribution: principal.attribute { _ in nil }, call: PipelineFixtures.call(route))
    }

    @Test func aModelOutsideTheKeysAllowlistIsRefusedWithTheKeyAsItsRule() async throws {
        guard case .failure(let refused) = try await admit("", key: "sk-gpt4o-only-key", model: "gpt-4o-mini") else {
            Issue.record("gpt-4o-mini is outside the key's allowlist")
            return
        }
        #expect(refused.refusal.code == .modelNotAllowed)
        #expect(refused.refusal.rule == "key:gpt4o-only")
        #expect(refused.refusal.message == "The key 'gpt4o-only' may not call the model 'gpt-4o-mini' (allowed: gpt-4o).")
        #expect(refused.model.name == "gpt-4o-mini")
    }

    @Test func aBudgetDowngradeIsRoutedToTheCheaperModelAndNoted() async throws {
        guard case .success(let admitted) = try await admit(Self.downgrade, key: "sk-any-model-key", model: "gpt-4o") else {
            Issue.record("the exhausted budget downgrades")
            return
        }
        #expect(admitted.model.name == "gpt-4o-mini")
        #expect(admitted.routedFrom == "gpt-4o")
        #expect(admitted.notes.contains("downgraded from gpt-4o to gpt-4o-mini by budget:gpt4o-cap"))
        #expect(admitted.streamGuard.ticket?.facts.model == "gpt-4o-mini")
    }

    @Test func aDowngradeToAModelTheKeyMayNotCallIsRefused() async throws {
        guard case .failure(let refused) = try await admit(Self.downgrade, key: "sk-gpt4o-only-key", model: "gpt-4o") else {
            Issue.record("the key may not call the downgrade model, so the exhausted budget refuses")
            return
        }
        #expect(refused.refusal.code == .budgetExceeded)
        #expect(refused.refusal.message == "Budget 'gpt4o-cap' is exhausted and this key may not call its downgrade model 'gpt-4o-mini'.")
        #expect(refused.model.name == "gpt-4o" && refused.routedFrom == nil)
    }

    @Test func aDowngradeToAModelOfAnotherDialectIsRefused() async throws {
        let extra = """
            governance:
              budgets:
                - {name: cross, scope: {model: gpt-4o}, period: day, limit_usd: "0.000000001", action: downgrade, downgrade_to: claude-sonnet-4-5}
            """
        guard case .failure(let refused) = try await admit(extra, key: "sk-any-model-key", model: "gpt-4o") else {
            Issue.record("an Anthropic model cannot serve an OpenAI route")
            return
        }
        #expect(refused.refusal.message == "Budget 'cross' is exhausted and its downgrade model 'claude-sonnet-4-5' cannot serve this route.")
    }

    @Test func policiesSetTheOutputCapAndTheRedactors() async throws {
        let extra = """
            governance:
              policies:
                - {name: caps, match: {team: support}, default_max_tokens: 64, redact: {kinds: [email]}}
            """
        guard case .success(let admitted) = try await admit(extra, key: "sk-any-model-key", model: "gpt-4o") else {
            Issue.record("the policy admits the call")
            return
        }
        #expect(admitted.maxTokens == 64)
        #expect(admitted.notes == ["max_tokens=64 added"])
        #expect(admitted.redactors.count == 1)
    }

    @Test func countingTokensIsNeverGoverned() async throws {
        let runtime = try PipelineFixtures.runtime(Self.downgrade)
        let principal = PipelineFixtures.principal(runtime, key: "sk-any-model-key")
        let body = Array(#"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let incoming = try PipelineFixtures.incoming(runtime, body, route: .countTokens)
        let result = try await PipelineFixtures.admitter(runtime).admit(
            incoming, principal: principal, attribution: principal.attribute { _ in nil }, call: PipelineFixtures.call(.countTokens))
        guard case .success(let admitted) = result else {
            Issue.record("count_tokens is admitted")
            return
        }
        #expect(admitted.streamGuard.ticket == nil && admitted.notes.isEmpty)
    }
}
