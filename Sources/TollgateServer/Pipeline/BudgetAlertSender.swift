import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TollgateCore

/// Sends the budget alerts a settlement raised: logs each, keeps them in the event table, posts them to
/// the webhook, off the request path.
struct BudgetAlertSender: Sendable {
    /// Where alerts are kept.
    let events: (any GovernanceEventSink)?
    /// The webhook, when configured.
    let webhook: String?
    /// Logger.
    let logger: Logger

    /// Sends alerts (nothing when there are none).
    func send(_ alerts: [BudgetAlert]) {
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
        let events = self.events
        let webhook = self.webhook
        let logger = self.logger
        Task.detached {
            do { try events?.record(alerts: alerts) } catch { logger.error("recording budget alerts failed", metadata: ["error": "\(error)"]) }
            guard let webhook else { return }
            for alert in alerts {
                var request = HTTPClientRequest(url: webhook)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(AlertPayload(alert))) ?? Data()))
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                    if !(200..<300).contains(response.status.code) {
                        logger.warning("alert webhook answered \(response.status.code)")
                    }
                } catch {
                    logger.warning("alert webhook failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
