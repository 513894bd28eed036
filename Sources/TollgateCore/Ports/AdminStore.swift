/// Where managed virtual keys are kept.
public protocol KeyStore: Sendable {
    /// Every managed key.
    func keys() async throws -> [VirtualKey]
    /// Inserts or replaces a key and records the change in the audit trail, atomically.
    func save(_ key: VirtualKey, audit: AuditEvent) async throws
}

/// Where kill switches set at run time are kept.
public protocol KillSwitchStore: Sendable {
    /// Every kill switch set at run time.
    func killSwitches() async throws -> [KillSwitch]
    /// Sets (or with nil, clears) a kill switch and records the change, atomically.
    func save(killSwitch: KillSwitch?, target: KillSwitch.Target, audit: AuditEvent) async throws
}

/// The audit trail of administrative changes.
public protocol AuditTrail: Sendable {
    /// Records an audit event on its own (e.g. a configuration reload).
    func record(audit: AuditEvent) async throws
    /// The newest audit events, newest first.
    func auditEvents(limit: Int) async throws -> [AuditEvent]
}

/// Where budget threshold alerts are kept (the ledger's event table).
public protocol BudgetAlertStore: Sendable {
    /// Keeps alerts; an alert already kept is not kept twice.
    func record(alerts: [BudgetAlert]) async throws
    /// Budget alerts raised, newest first.
    func budgetEvents(limit: Int) async throws -> [BudgetAlert]
}

/// Everything the admin API reads and writes.
public typealias AdminStore = AuditTrail & BudgetAlertStore & KeyStore & KillSwitchStore
