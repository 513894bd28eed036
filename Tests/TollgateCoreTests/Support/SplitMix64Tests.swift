import Testing
import TollgateCore

/// The one seeded generator: the reference SplitMix64 sequence (Vigna's `splitmix64.c` from seed 0), so the demo
/// history, simulated faults and property tests reproduce on every platform.
@Suite struct SplitMix64Tests {
    @Test func seedZeroGivesTheReferenceSequence() {
        var generator = SplitMix64(seed: 0)
        let first = (0..<4).map { _ in generator.next() }
        #expect(first == [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f, 0xf88b_b8a8_724c_81ec])
    }

    @Test func unitsAreInTheHalfOpenIntervalAndBelowStaysBelow() {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<10_000 {
            let unit = generator.nextUnit()
            #expect(unit >= 0 && unit < 1)
        }
        for n in [1, 2, 7, 1_000] {
            #expect((0..<1_000).allSatisfy { _ in (0..<n).contains(generator.below(n)) })
        }
        #expect(generator.below(0) == 0)
    }
}
