/// The project's one seeded pseudo-random generator (SplitMix64): simulated outputs and faults, the demo history,
/// synthetic benchmark ledgers and property tests are reproducible from their seed, on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniformly distributed value in `0..<1`.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An integer in `0..<n` (0 when `n` is less than 1), by reduction modulo `n`.
    public mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(max(1, n)))
    }
}
