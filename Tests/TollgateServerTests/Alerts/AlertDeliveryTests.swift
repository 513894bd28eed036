import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing
import TollgateCore

@testable import TollgateServer

/// Alert delivery as a service: a bounded queue the request path never waits on, drained on shutdown.
@Suite struct AlertDeliveryTests {
    final class Events: BudgetAlertStore {
        let kept = Mutex<[String]>([])
        func record(alerts: [BudgetAlert]) throws { kept.withLock { $0 += alerts.map(\.budget) } }
        func budgetEvents(limit: Int) throws -> [BudgetAlert] { [] }
    }

    static func alert(_ budget: String) -> BudgetAlert {
        BudgetAlert(
            atMs: 0, budget: budget, scopeKey: "", period: "day 2026-12-01", periodStartMs: 0, thresholdPercent: 80, spentNanoUSD: 8,
            limitNanoUSD: 10)
    }

    @Test func aFullQueueDropsTheOldestBatchesAndCountsThem() async throws {
        let events = Events()
        let delivery = AlertDelivery(
            events: events, webhook: nil, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "alerts-test"), capacity: 2)
        for name in ["a", "b", "c", "d"] { delivery.deliver([Self.alert(name)]) }
        #expect(delivery.dropped == 2)
        let group = ServiceGroup(configuration: .init(services: [delivery], logger: Logger(label: "alerts-test")))
        async let running: Void = group.run()
        await group.triggerGracefulShutdown()
        try await running
        // Shutdown delivered what was queued: the two newest batches, in order.
        #expect(events.kept.withLock { $0 } == ["c", "d"])
    }

    @Test func alertsQueuedWhileRunningAreKeptInOrderBeforeShutdownEnds() async throws {
        let events = Events()
        let delivery = AlertDelivery(
            events: events, webhook: nil, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "alerts-test"))
        let group = ServiceGroup(configuration: .init(services: [delivery], logger: Logger(label: "alerts-test")))
        async let running: Void = group.run()
        for i in 0..<500 { delivery.deliver([Self.alert("b\(i)")]) }
        await group.triggerGracefulShutdown()
        try await running
        #expect(events.kept.withLock { $0 } == (0..<500).map { "b\($0)" })
        #expect(delivery.dropped == 0)
    }
}
