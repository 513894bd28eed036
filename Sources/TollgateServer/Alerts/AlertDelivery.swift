import AsyncHTTPClient
import Foundation
public import Logging
public import NIOCore
import NIOHTTP1
public import ServiceLifecycle
import Synchronization
public import TollgateCore

/// Delivers the budget alerts settlements raise — logs each at once, then, off the request path,
/// keeps them in the event table and posts them to the webhook — as a `Service` of the gateway's
/// one `ServiceGroup`.
///
/// ``deliver(_:)`` never waits: alerts go into a bounded queue, and when it is full the oldest batch
/// is dropped and counted. On graceful shutdown the service stops taking alerts, delivers what is
/// queued, then closes its own HTTP client.
public final class AlertDelivery: Service, Sendable {
    let events: (any BudgetAlertStore)?
    let webhook: String?
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let timeout: TimeAmount
    private let queue: AsyncStream<[BudgetAlert]>
    private let input: AsyncStream<[BudgetAlert]>.Continuation
    private let droppedBatches = Atomic<Int>(0)

    /// Creates the service.
    /// - Parameters:
    ///   - events: Where alerts are kept (the ledger's event table).
    ///   - webhook: Where each alert is posted, when configured.
    ///   - eventLoopGroup: Event loops for the service's own HTTP client.
    ///   - logger: Logger.
    ///   - capacity: Batches queued at most.
    ///   - timeout: How long one webhook post may take.
    public init(
        events: (any BudgetAlertStore)?, webhook: String?, eventLoopGroup: any EventLoopGroup, logger: Logger, capacity: Int = 1_024,
        timeout: TimeAmount = .seconds(10)
    ) {
        self.events = events
        self.webhook = webhook
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.timeout = timeout
        (queue, input) = AsyncStream.makeStream(of: [BudgetAlert].self, bufferingPolicy: .bufferingNewest(max(1, capacity)))
    }

    /// Batches dropped because the queue was full.
    public var dropped: Int { droppedBatches.load(ordering: .relaxed) }

    /// Logs the alerts and queues them for delivery; returns at once.
    public func deliver(_ alerts: [BudgetAlert]) {
        guard !alerts.isEmpty else { return }
        for alert in alerts {
            logger.warning(
                "budget threshold crossed",
                metadata: [
                    "budget": "\(alert.budget)", "scope": "\(alert.scopeKey)", "period": "\(alert.period)",
                    "threshold": "\(alert.thresholdPercent)%", "spent_usd": "\(Money.format(nanoUSD: alert.spentNanoUSD))",
                    "limit_usd": "\(Money.format(nanoUSD: alert.limitNanoUSD))",
                ])
        }
        if case .dropped = input.yield(alerts) {
            let count = droppedBatches.wrappingAdd(1, ordering: .relaxed).newValue
            if count == 1 || count.isMultiple(of: 1_000) {
                logger.warning("the alert queue is full; the oldest alerts were dropped", metadata: ["dropped_batches": "\(count)"])
            }
        }
    }

    /// Delivers queued alerts until graceful shutdown, then delivers the rest and closes its HTTP client.
    public func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup))
        await withGracefulShutdownHandler {
            for await batch in queue { await send(batch, client: client) }
        } onGracefulShutdown: { [input] in
            input.finish()
        }
        try await client.shutdown()
    }

    /// Keeps one batch and posts each of its alerts.
    func send(_ alerts: [BudgetAlert], client: HTTPClient) async {
        do { try await events?.record(alerts: alerts) } catch { logger.error("recording budget alerts failed", metadata: ["error": "\(error)"]) }
        guard let webhook else { return }
        for alert in alerts {
            var request = HTTPClientRequest(url: webhook)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(AlertPayload(alert))) ?? Data()))
            do {
                let response = try await client.execute(request, timeout: timeout)
                if !(200..<300).contains(response.status.code) {
                    logger.warning("alert webhook answered \(response.status.code)")
                }
            } catch {
                logger.warning("alert webhook failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
