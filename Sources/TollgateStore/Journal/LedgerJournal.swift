public import Logging
public import ServiceLifecycle
import Synchronization
public import TollgateCore

/// The write-behind ledger journal: admissions appended to the ``AdmissionLog``, entries queued in
/// memory and written by one writer in batches (group commit).
///
/// ``admit(_:)`` returns once the admission is durable (one `write(2)`, no database round trip);
/// ``record(_:)`` only waits when the queue is full, so ledger writes stay off the request path.
/// After each batch commits, its admissions are marked complete in the log. On graceful shutdown
/// the queue is drained before ``run()`` returns.
public final class LedgerJournal: LedgerSink, Service {
    /// Journal sizing.
    public struct Configuration: Sendable {
        /// Entries queued before ``LedgerJournal/record(_:)`` waits for room.
        public var capacity: Int
        /// Most records per transaction.
        public var batchSize: Int
        /// How long the writer lets a partial batch fill before committing it. A few milliseconds
        /// turn one transaction (and one thread wake-up) per call into one per many calls.
        public var linger: Duration

        /// Creates a configuration.
        public init(capacity: Int = 65_536, batchSize: Int = 1_024, linger: Duration = .milliseconds(5)) {
            self.capacity = max(1, capacity)
            self.batchSize = max(1, batchSize)
            self.linger = linger
        }
    }

    /// What a waiter waits for.
    private enum Until {
        /// Nothing queued, no batch being committed, no admission left open.
        case settled
        /// At least this many entries written in this run.
        case written(Int)
    }

    private struct State {
        var entries: [LedgerEntry] = []
        var wakeup: CheckedContinuation<Void, Never>?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// Batches taken from the queue and not yet committed.
        var committing = 0
        /// Callers of ``LedgerJournal/settled()`` and ``LedgerJournal/written(atLeast:)``, with what each waits for.
        var waiters: [UInt64: (until: Until, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter: UInt64 = 0
        var stopping = false
        var stopped = false
    }

    private let store: any EntryStore
    private let admissions: AdmissionLog
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())
    private let counters = Mutex((entries: 0, batches: 0))

    /// Creates a journal writing entries to `store` and admissions to `admissions`.
    public init(store: any EntryStore, admissions: AdmissionLog, configuration: Configuration = .init(), logger: Logger) {
        self.store = store
        self.admissions = admissions
        self.configuration = configuration
        self.logger = logger
    }

    /// Entries written so far and transactions used for them.
    public var written: (entries: Int, batches: Int) { counters.withLock { $0 } }

    /// Whether the journal takes new admissions (false once shutdown has begun).
    public var isAccepting: Bool { state.withLock { !$0.stopping && !$0.stopped } }

    /// Entries waiting to be written.
    public var queuedEntries: Int { state.withLock { $0.entries.count } }

    public func admit(_ admission: Admission) async throws {
        if state.withLock({ $0.stopped }) { throw JournalError.stopped }
        try admissions.append(admission)
    }

    public func record(_ entry: LedgerEntry) async {
        while true {
            let result: (queued: Bool, stopped: Bool, wake: CheckedContinuation<Void, Never>?) = state.withLock { s in
                guard s.entries.count < configuration.capacity || s.stopped else { return (false, false, nil) }
                s.entries.append(entry)
                let wake = s.wakeup
                s.wakeup = nil
                return (true, s.stopped, wake)
            }
            if result.queued {
                result.wake?.resume()
                // After the writer has stopped, the caller writes its own entry.
                if result.stopped { try? await drain() }
                return
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.entries.count < configuration.capacity || s.stopped { return true }
                    s.roomWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Runs the writer until graceful shutdown, then drains the queue.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.writeLoop()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Writes everything queued right now (used by tests and by shutdown).
    public func drain() async throws {
        while let batch = takeBatch() {
            await commit(batch)
        }
    }

    /// Returns once every call admitted so far has its entry written and every entry handed over so far
    /// is in the store: nothing queued, no batch being committed, no admission left open.
    ///
    /// A call still in flight (admitted, its entry not yet recorded) holds it until it ends. For tests
    /// and tools that read the ledger right after a response; the request path never waits on it. It
    /// returns early, without that guarantee, when the calling task is cancelled.
    public func settled() async {
        await wait(until: .settled)
    }

    /// Returns once at least `count` entries have been written since the journal was created (or
    /// early, when the calling task is cancelled).
    public func written(atLeast count: Int) async {
        await wait(until: .written(count))
    }

    private func wait(until: Until) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if holds(until, in: s) || Task.isCancelled { return true }
                    s.waiters[id] = (until, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    private func holds(_ until: Until, in s: State) -> Bool {
        switch until {
        case .settled: s.entries.isEmpty && s.committing == 0 && admissions.openCount == 0
        case .written(let count): written.entries >= count
        }
    }

    /// Ends a batch's commit and wakes the waiters whose condition now holds.
    private func committed() {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.committing -= 1
            let due = s.waiters.filter { holds($0.value.until, in: s) }
            for id in due.keys { s.waiters.removeValue(forKey: id) }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    private func stop() {
        let wake = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.stopping = true
            let w = s.wakeup
            s.wakeup = nil
            return w
        }
        wake?.resume()
    }

    private func writeLoop() async {
        while true {
            let (queued, stopping) = state.withLock { ($0.entries.count, $0.stopping) }
            if queued > 0, queued < configuration.batchSize, !stopping, configuration.linger > .zero {
                try? await Task.sleep(for: configuration.linger)
            }
            if let batch = takeBatch() {
                await commit(batch)
                continue
            }
            let stopNow = state.withLock { s -> Bool in
                guard s.stopping, s.entries.isEmpty else { return false }
                s.stopped = true
                return true
            }
            if stopNow { break }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if !s.entries.isEmpty || s.stopping { return true }
                        s.wakeup = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                self.stop()
            }
        }
        // Records that arrive after the stop are written directly by their callers.
        try? await drain()
        logger.info("ledger written; stopped", metadata: ["entries_this_run": "\(written.entries)"])
    }

    private func takeBatch() -> [LedgerEntry]? {
        let (batch, waiters) = state.withLock { s -> ([LedgerEntry]?, [CheckedContinuation<Void, Never>]) in
            if s.entries.isEmpty { return (nil, []) }
            let limit = configuration.batchSize
            let entries: [LedgerEntry]
            if s.entries.count <= limit {
                entries = s.entries
                s.entries = []
            } else {
                entries = Array(s.entries.prefix(limit))
                s.entries.removeFirst(limit)
            }
            let waiters = s.roomWaiters
            s.roomWaiters = []
            s.committing += 1
            return (entries, waiters)
        }
        for waiter in waiters { waiter.resume() }
        return batch
    }

    private func commit(_ batch: [LedgerEntry]) async {
        defer { committed() }
        // Entries are never dropped while the process lives: retry until the database takes them.
        // Once the journal is cancelled it stops after a few tries; their admissions stay in the
        // admission log and recovery closes them on the next start.
        var delay: Duration = .milliseconds(50)
        var triesAfterCancel = 0
        while true {
            do {
                try await persist(batch)
                counted(batch.count)
                admissions.completed(batch.lazy.map(\.id))
                return
            } catch {
                logger.error("ledger write failed; retrying", metadata: ["error": "\(error)", "entries": "\(batch.count)"])
                if Task.isCancelled {
                    triesAfterCancel += 1
                    if triesAfterCancel >= 3 { return }
                } else {
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(2))
                }
            }
        }
    }

    /// Writes a batch (the store writes it even when this task is cancelled, so a forced stop never discards a batch
    /// that could still be written).
    private func persist(_ entries: [LedgerEntry]) async throws {
        let written = try await store.write(entries: entries)
        if written < entries.count {
            logger.error("ledger entries with an id already recorded were skipped", metadata: ["skipped": "\(entries.count - written)"])
        }
    }

    private func counted(_ entries: Int) {
        counters.withLock {
            $0.entries += entries
            $0.batches += 1
        }
    }
}

/// Why the journal refused a record.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    private enum Code { case stopped }
    private let code: Code
    /// The journal has stopped (the gateway is shutting down).
    public static let stopped = JournalError(code: .stopped)
    public var description: String { "the ledger journal has stopped" }
}
