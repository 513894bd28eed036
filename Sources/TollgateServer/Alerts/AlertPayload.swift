import Foundation
import TollgateCore

/// The JSON body posted to the alert webhook.
struct AlertPayload: Encodable {
    var type = "budget.threshold"
    var budget: String
    var scope: String
    var period: String
    var thresholdPercent: Int
    var spentUSD: String
    var limitUSD: String
    var at: String

    init(_ alert: BudgetAlert) {
        budget = alert.budget
        scope = alert.scopeKey
        period = alert.period
        thresholdPercent = alert.thresholdPercent
        spentUSD = Money.format(nanoUSD: alert.spentNanoUSD)
        limitUSD = Money.format(nanoUSD: alert.limitNanoUSD)
        at = CivilDate.formatTimestamp(ms: alert.atMs)
    }

    enum CodingKeys: String, CodingKey {
        case type, budget, scope, period, at
        case thresholdPercent = "threshold_percent"
        case spentUSD = "spent_usd"
        case limitUSD = "limit_usd"
    }
}
