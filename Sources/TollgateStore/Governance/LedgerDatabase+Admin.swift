import Foundation
import GRDB
public import TollgateCore

extension LedgerDatabase: KeyStore, KillSwitchStore, AuditTrail {
    public func keys() async throws -> [VirtualKey] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM virtualKey ORDER BY createdAt, name").map(Self.key) }
    }

    public func save(_ key: VirtualKey, audit: AuditEvent) async throws {
        let models = try key.allowedModels.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO virtualKey (id, name, secretHash, hint, org, team, app, environment, costCenter, workflow, allowedModels,
                        allowOverride, createdAt, expiresAt, revokedAt, rotatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, secretHash = excluded.secretHash, hint = excluded.hint,
                        org = excluded.org, team = excluded.team, app = excluded.app, environment = excluded.environment,
                        costCenter = excluded.costCenter, workflow = excluded.workflow, allowedModels = excluded.allowedModels,
                        allowOverride = excluded.allowOverride, expiresAt = excluded.expiresAt, revokedAt = excluded.revokedAt,
                        rotatedAt = excluded.rotatedAt
                    """,
                arguments: [
                    key.id, key.name, key.secretHash, key.hint, key.org, key.team, key.app, key.environment, key.costCenter, key.workflow,
                    models, key.allowOverride, key.createdAtMs, key.expiresAtMs, key.revokedAtMs, key.rotatedAtMs,
                ])
            try Self.insert(db, audit: audit)
        }
    }

    public func save(killSwitch: KillSwitch?, target: KillSwitch.Target, audit: AuditEvent) async throws {
        try await writer.write { db in
            if let killSwitch {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO killSwitch (kind, name, byWhom, reason, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [target.kind.rawValue, target.name, killSwitch.by, killSwitch.reason, killSwitch.atMs ?? audit.atMs])
            } else {
                try db.execute(sql: "DELETE FROM killSwitch WHERE kind = ? AND name = ?", arguments: [target.kind.rawValue, target.name])
            }
            try Self.insert(db, audit: audit)
        }
    }

    public func record(audit: AuditEvent) async throws {
        try await writer.write { db in try Self.insert(db, audit: audit) }
    }

    public func auditEvents(limit: Int) async throws -> [AuditEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEvent ORDER BY seq DESC LIMIT ?", arguments: [limit]).map {
                AuditEvent(
                    seq: $0["seq"], atMs: $0["ts"], actor: $0["actor"], action: $0["action"], subject: $0["subject"], before: $0["before"],
                    after: $0["after"])
            }
        }
    }

    public func budgetEvents(limit: Int) async throws -> [BudgetAlert] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM budgetEvent ORDER BY seq DESC LIMIT ?", arguments: [limit]).map {
                BudgetAlert(
                    atMs: $0["ts"], budget: $0["budget"], scopeKey: $0["scopeKey"], period: $0["period"], periodStartMs: $0["periodStart"],
                    thresholdPercent: $0["threshold"], spentNanoUSD: $0["spentNano"], limitNanoUSD: $0["limitNano"])
            }
        }
    }

    static func insert(_ db: Database, audit: AuditEvent) throws {
        try db.execute(
            sql: "INSERT INTO auditEvent (ts, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [audit.atMs, audit.actor, audit.action, audit.subject, audit.before, audit.after])
    }

    static func key(_ row: Row) -> VirtualKey {
        let models = (row["allowedModels"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        return VirtualKey(
            id: row["id"], name: row["name"], secretHash: row["secretHash"], hint: row["hint"], org: row["org"], team: row["team"],
            app: row["app"], environment: row["environment"], costCenter: row["costCenter"], workflow: row["workflow"], allowedModels: models,
            allowOverride: row["allowOverride"], createdAtMs: row["createdAt"], expiresAtMs: row["expiresAt"], revokedAtMs: row["revokedAt"],
            rotatedAtMs: row["rotatedAt"])
    }
}
