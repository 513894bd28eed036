import Foundation
import GRDB
public import TollgateCore

extension LedgerDatabase: SpendSource, BudgetAlertStore {
    /// The ledger column holding each scope dimension.
    static func column(_ dimension: GovernanceScope.Dimension) -> String {
        switch dimension {
        case .key: "keyId"
        case .model: "requestedModel"
        case .provider: "provider"
        default: dimension.attribution?.column ?? "NULL"
        }
    }

    public func spend(scope: GovernanceScope, fromMs: Int64?, toMs: Int64?, bucketMs: Int64?) async throws -> [SettledSpend] {
        var conditions: [String] = ["costNano IS NOT NULL"]
        var arguments: [any DatabaseValueConvertible] = []
        for (dimension, condition) in scope.conditions.sorted(by: { $0.key < $1.key }) {
            if case .equals(let value) = condition {
                conditions.append("\(Self.column(dimension)) = ?")
                arguments.append(value)
            }
        }
        for (name, condition) in scope.tags.sorted(by: { $0.key < $1.key }) {
            if case .equals(let value) = condition {
                conditions.append("json_extract(tags, ?) = ?")
                arguments.append(Self.tagPath(name))
                arguments.append(value)
            }
        }
        if let fromMs {
            conditions.append("ts >= ?")
            arguments.append(fromMs)
        }
        if let toMs {
            conditions.append("ts < ?")
            arguments.append(toMs)
        }
        let unattributed = SQLText.literal(GovernanceScope.unattributed)
        let perValue =
            scope.perValueDimensions.map { "COALESCE(\(Self.column($0)), \(unattributed))" }
            + scope.perValueTags.map { "COALESCE(json_extract(tags, \(SQLText.literal(Self.tagPath($0)))), \(unattributed))" }
        let keyExpression = perValue.isEmpty ? "''" : perValue.joined(separator: " || '/' || ")
        let bucketExpression = bucketMs.map { "(ts / \($0)) * \($0)" } ?? "NULL"
        let sql = """
            SELECT \(keyExpression) AS k, \(bucketExpression) AS b, SUM(costNano) AS total FROM ledgerEntry
            WHERE \(conditions.joined(separator: " AND ")) GROUP BY k, b
            """
        let statementArguments = StatementArguments(arguments.map(\.databaseValue))
        return try await writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map {
                SettledSpend(scopeKey: $0["k"], bucketStartMs: $0["b"], nanoUSD: $0["total"] ?? 0)
            }
        }
    }

    /// The JSON path of a tag in the `tags` column.
    static func tagPath(_ name: String) -> String {
        "$.\"" + name.replacingOccurrences(of: "\"", with: "") + "\""
    }

    public func traceTotals(_ traceID: String) async throws -> TraceTotals? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) AS calls, MIN(ts) AS first,
                               COALESCE(SUM(inputUncached + cacheRead + cacheWrite5m + cacheWrite1h + output), 0) AS tokens,
                               COALESCE(SUM(costNano), 0) AS cost
                        FROM ledgerEntry WHERE traceId = ? AND status != 'blocked'
                        """, arguments: [traceID]),
                let calls = row["calls"] as Int64?, calls > 0
            else { return nil }
            return TraceTotals(calls: calls, tokens: row["tokens"], costNanoUSD: row["cost"], firstMs: row["first"])
        }
    }

    public func alerts(sinceMs: Int64) async throws -> [BudgetAlert] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM budgetEvent WHERE periodStart >= ? ORDER BY seq", arguments: [sinceMs]).map {
                BudgetAlert(
                    atMs: $0["ts"], budget: $0["budget"], scopeKey: $0["scopeKey"], period: $0["period"], periodStartMs: $0["periodStart"],
                    thresholdPercent: $0["threshold"], spentNanoUSD: $0["spentNano"], limitNanoUSD: $0["limitNano"])
            }
        }
    }

    /// Keeps budget alerts as events (a repeated alert is recorded once).
    public func record(alerts: [BudgetAlert]) async throws {
        guard !alerts.isEmpty else { return }
        try await writer.write { db in
            for alert in alerts {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO budgetEvent (ts, budget, scopeKey, period, periodStart, threshold, spentNano, limitNano)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        alert.atMs, alert.budget, alert.scopeKey, alert.period, alert.periodStartMs, alert.thresholdPercent, alert.spentNanoUSD,
                        alert.limitNanoUSD,
                    ])
            }
        }
    }

    /// Kill switches set through the admin API.
    public func killSwitches() async throws -> [KillSwitch] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM killSwitch ORDER BY at").compactMap { row in
                guard let kind = KillSwitch.Target.Kind(rawValue: row["kind"]) else { return nil }
                return KillSwitch(target: .init(kind: kind, name: row["name"]), by: row["byWhom"], reason: row["reason"], atMs: row["at"])
            }
        }
    }
}

/// SQL text literals for the few constants spliced into generated SQL.
enum SQLText {
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
