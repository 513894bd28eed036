import Testing
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationFaultTests {
    @Test func namedFaultWinsAndNoneOptsOut() throws {
        let injector = FaultInjector(plan: FaultPlan(probabilities: [.serverError: 1]))
        #expect(try injector.decide(requested: "rate-limit") == .rateLimit)
        #expect(try injector.decide(requested: "none") == nil)
        #expect(try injector.decide(requested: nil) == .serverError)
        #expect(throws: SimulationInputError.self) { try injector.decide(requested: "explode") }
    }

    @Test func countedFaultsStopAfterNPerKey() throws {
        let injector = FaultInjector()
        let kinds = try (0..<4).map { _ in try injector.decide(requested: "rate_limit", count: 2, key: "k1") }
        #expect(kinds == [.rateLimit, .rateLimit, nil, nil])
        #expect(try injector.decide(requested: "server_error", count: 1, key: "k2") == .serverError)
        #expect(try injector.decide(requested: "server_error", count: 1, defaultKey: "hash") == .serverError)
        #expect(try injector.decide(requested: "server_error", count: 1, defaultKey: "hash") == nil)
        injector.resetCounts()
        #expect(try injector.decide(requested: "rate_limit", count: 2, key: "k1") == .rateLimit)
    }

    @Test func planIsDeterministicForASeedAndRoughlyHonoursRates() throws {
        let plan = FaultPlan(probabilities: [.rateLimit: 0.2, .overloaded: 0.1], seed: 7)
        let first = FaultInjector(plan: plan)
        let second = FaultInjector(plan: plan)
        let a = try (0..<2000).map { _ in try first.decide(requested: nil) }
        let b = try (0..<2000).map { _ in try second.decide(requested: nil) }
        #expect(a == b)
        let rateLimits = a.filter { $0 == .rateLimit }.count
        let overloads = a.filter { $0 == .overloaded }.count
        #expect((300...500).contains(rateLimits))
        #expect((130...270).contains(overloads))
        #expect(!a.contains(.stall))
        #expect(FaultPlan.none.isEmpty)
        #expect(try FaultInjector(plan: .none).decide(requested: nil) == nil)
    }

    @Test func kindsParseFromTheirNames() {
        #expect(FaultKind.allCases.allSatisfy { FaultKind(name: $0.rawValue) == $0 })
        #expect(FaultKind(name: "STREAM-ERROR") == .streamError)
        #expect(FaultKind(name: "none") == nil)
    }
}
