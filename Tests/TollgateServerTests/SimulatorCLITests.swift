import ArgumentParser
import Testing
import TollgateProviders
import TollgateSimulator

@testable import TollgateCLI

@Suite struct SimulatorCLITests {
    @Test func jsonStyleOptionParses() throws {
        #expect(try Simulate.parse([]).style() == .compact)
        #expect(try Simulate.parse(["--port", "0", "--json-style", "spaced"]).style() == .spaced)
        #expect(try Simulate.parse(["--json-style", "compact"]).style() == .compact)
        #expect(throws: (any Error).self) { try Simulate.parse(["--json-style", "pretty"]) }
    }
}
