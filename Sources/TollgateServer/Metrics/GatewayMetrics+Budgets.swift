import Prometheus
import TollgateCore

extension GatewayMetrics {
    /// Sets the budget gauges from the governor's counters, one series per configured budget
    /// (budget names come from the configuration, so the label is bounded). For a budget split per
    /// value (`key: "*"`), spend and reservations are summed and utilisation is the highest counter's.
    func updateBudgets(_ statuses: [BudgetStatus]) {
        var byBudget: [String: (spent: Int64, reserved: Int64, limit: Int64, utilisation: Double)] = [:]
        for status in statuses {
            var row = byBudget[status.budget] ?? (0, 0, status.limitNanoUSD, 0)
            row.spent += status.spentNanoUSD
            row.reserved += status.reservedNanoUSD
            if status.limitNanoUSD > 0 { row.utilisation = max(row.utilisation, Double(status.spentNanoUSD) / Double(status.limitNanoUSD)) }
            byBudget[status.budget] = row
        }
        for (budget, row) in byBudget {
            let labels = [("budget", budget)]
            registry.makeGauge(descriptor: Self.budgetUtilisation, labels: labels).set(row.utilisation)
            registry.makeGauge(descriptor: Self.budgetSpent, labels: labels).set(Double(row.spent))
            registry.makeGauge(descriptor: Self.budgetReserved, labels: labels).set(Double(row.reserved))
            registry.makeGauge(descriptor: Self.budgetLimit, labels: labels).set(Double(row.limit))
        }
    }

    static var budgetUtilisation: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "budget_utilisation", unitName: "ratio",
            helpText: "Settled spend over the limit in the current period (the highest counter for per-value budgets).")
    }

    static var budgetSpent: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "budget_spent", unitName: "nano_usd",
            helpText: "Settled spend under a budget in its current period, nano-USD.")
    }

    static var budgetReserved: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "budget_reserved", unitName: "nano_usd",
            helpText: "Reserved by calls in flight under a budget, nano-USD.")
    }

    static var budgetLimit: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tollgate", metricName: "budget_limit", unitName: "nano_usd", helpText: "A budget's limit per counter, nano-USD.")
    }
}
