import Synchronization
import TollgateCore
import TollgateProviders

/// Everything the simulator shares between requests: configuration, prompt cache, fault counters,
/// the request log and the id counter.
final class SimulatorState: Sendable {
    let configuration: SimulatorConfiguration
    let promptCache: PromptCacheSimulator
    let faults: FaultInjector
    let log: SimulatorRequestLog
    private let counter = Atomic<UInt64>(0)
    private let idSalt: UInt64

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        promptCache = PromptCacheSimulator(capacity: configuration.promptCacheCapacity)
        faults = FaultInjector(plan: configuration.faults)
        log = SimulatorRequestLog(capacity: configuration.requestLogCapacity)
        idSalt = UInt64.random(in: 0...UInt64.max)
    }

    /// A fresh 24-hex-digit identifier suffix, unique within the process.
    func nextIdentifier() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var generator = SplitMix64(seed: value ^ idSalt)
        let high = String(generator.next() & 0xffff_ffff, radix: 16)
        let low = String(value, radix: 16)
        return String(repeating: "0", count: 8 - high.count) + high
            + String(repeating: "0", count: max(0, 16 - low.count)) + low
    }
}
