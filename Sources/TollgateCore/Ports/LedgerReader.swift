/// Reads the ledger's entries one by one: `ledger tail`, the FOCUS export, the demo's live status.
public protocol LedgerReader: Sendable {
    /// How many entries the ledger holds.
    func entryCount() async throws -> Int
    /// The entry with this request id.
    func entry(id: String) async throws -> LedgerEntry?
    /// The entries of the upstream calls a request made, chained to it (``LedgerEntry/parentID``), oldest first.
    func entries(chainedTo parentID: String) async throws -> [LedgerEntry]
    /// The newest `limit` entries, oldest first.
    func latestEntries(limit: Int) async throws -> [LedgerEntry]
    /// The write sequence number of the newest entry (0 for an empty ledger), to follow the ledger from its end with
    /// ``entries(afterSequence:limit:)``.
    func lastSequence() async throws -> Int64
    /// Up to `limit` entries written after the entry with write sequence number `sequence`, in write order.
    func entries(afterSequence sequence: Int64, limit: Int) async throws -> EntryPage
    /// Up to `limit` entries with a timestamp in `[sinceMs, untilMs)`, in timestamp order (ties in write order),
    /// starting after `position` (from the start when nil). See ``forEachEntry(sinceMs:untilMs:pageSize:_:)``.
    func entries(sinceMs: Int64, untilMs: Int64, after position: EntryPosition?, limit: Int) async throws -> EntryPage
}

/// Where an entry stands in the ledger: its timestamp and its write sequence number.
public struct EntryPosition: Sendable, Hashable {
    /// The entry's timestamp, milliseconds since 1970.
    public var timestampMs: Int64
    /// The entry's write sequence number (increasing in write order).
    public var sequence: Int64

    /// Creates a position.
    public init(timestampMs: Int64, sequence: Int64) {
        self.timestampMs = timestampMs
        self.sequence = sequence
    }
}

/// A page of entries and where the last of them stands.
public struct EntryPage: Sendable, Hashable {
    /// The entries.
    public var entries: [LedgerEntry]
    /// The position of the page's last entry; nil when the page is empty.
    public var last: EntryPosition?

    /// Creates a page.
    public init(entries: [LedgerEntry], last: EntryPosition?) {
        self.entries = entries
        self.last = last
    }
}

extension LedgerReader {
    /// Calls `body` with every entry of `[sinceMs, untilMs)`, in timestamp order (ties in write order), reading
    /// `pageSize` entries at a time, so a period is never in memory at once.
    public func forEachEntry(sinceMs: Int64, untilMs: Int64, pageSize: Int = 2_048, _ body: (LedgerEntry) throws -> Void) async throws {
        var after: EntryPosition?
        while true {
            let page = try await entries(sinceMs: sinceMs, untilMs: untilMs, after: after, limit: pageSize)
            for entry in page.entries { try body(entry) }
            guard page.entries.count == pageSize, let last = page.last else { return }
            after = last
        }
    }
}
