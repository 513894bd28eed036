public import Logging
public import ServiceLifecycle
import Synchronization
public import TollgateCore

/// The write-behind ledger journal: a bounded in-memory queue drained by one writer with group commit.
///
/// ``admit(_:)`` waits until its admission is committed (many concurrent admissions share one
/// transaction); ``record(_:)`` only waits when the queue is full, so ledger writes stay off the
/// request path. On graceful shutdown the queue is drained before ``run()`` returns.
public final class LedgerJournal: LedgerSink, Service {
    /// Journal sizing.
    public struct Configuration: Sendable {
        /// Entries queued before ``LedgerJournal/record(_:)`` waits for room.
        public var capacity: Int
        /// Most records per transaction.
        public var batchSize: Int

        /// Creates a configuration.
        public init(capacity: Int = 65_536, batchSize: Int = 1_024) {
            self.capacity = max(1, capacity)
            self.batchSize = max(1, batchSize)
        }
    }

    private struct State {
        var admissions: [(Admission, CheckedContinuation<Void, any Error>)] = []
        var entries: [LedgerEntry] = []
        var wakeup: CheckedContinuation<Void, Never>?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var stopping = false
        var stopped = false
    }

    private let database: LedgerDatabase
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())
    private let counters = Mutex((entries: 0, batches: 0))

    /// Creates a journal writing to `database`.
    public init(database: LedgerDatabase, configuration: Configuration = .init(), logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    /// Entries written so far and transactions used for them.
    public var written: (entries: Int, batches: Int) { counters.withLock { $0 } }

    /// Entries waiting to be written.
    public var queuedEntries: Int { state.withLock { $0.entries.count } }

    public func admit(_ admission: Admission) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: (CheckedContinuation<Void, Never>?, Bool) = state.withLock { s in
                if s.stopped { return (nil, false) }
                s.admissions.append((admission, continuation))
                let wake = s.wakeup
                s.wakeup = nil
                return (wake, true)
            }
            if outcome.1 {
                outcome.0?.resume()
            } else {
                continuation.resume(throwing: JournalError.stopped)
            }
        }
    }

    public func record(_ entry: LedgerEntry) async {
        while true {
            let result: (queued: Bool, wake: CheckedContinuation<Void, Never>?) = state.withLock { s in
                guard s.entries.count < configuration.capacity || s.stopped else { return (false, nil) }
                s.entries.append(entry)
                let wake = s.wakeup
                s.wakeup = nil
                return (true, wake)
            }
            if result.queued {
                result.wake?.resume()
                if state.withLock({ $0.stopped }) { try? await flushAfterStop() }
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
            if let batch = takeBatch() {
                await commit(batch)
                continue
            }
            let stopNow = state.withLock { s -> Bool in
                guard s.stopping, s.admissions.isEmpty, s.entries.isEmpty else { return false }
                s.stopped = true
                return true
            }
            if stopNow { break }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if !s.admissions.isEmpty || !s.entries.isEmpty || s.stopping { return true }
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
        logger.debug("ledger journal stopped", metadata: ["entries": "\(written.entries)"])
    }

    private func flushAfterStop() async throws { try await drain() }

    private typealias Batch = (admissions: [(Admission, CheckedContinuation<Void, any Error>)], entries: [LedgerEntry])

    private func takeBatch() -> Batch? {
        let (batch, waiters) = state.withLock { s -> (Batch?, [CheckedContinuation<Void, Never>]) in
            if s.admissions.isEmpty && s.entries.isEmpty { return (nil, []) }
            let limit = configuration.batchSize
            let admissions: [(Admission, CheckedContinuation<Void, any Error>)]
            if s.admissions.count <= limit {
                admissions = s.admissions
                s.admissions = []
            } else {
                admissions = Array(s.admissions.prefix(limit))
                s.admissions.removeFirst(limit)
            }
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
            return ((admissions, entries), waiters)
        }
        for waiter in waiters { waiter.resume() }
        return batch
    }

    private func commit(_ batch: Batch) async {
        do {
            try await persist(admissions: batch.admissions.map(\.0), entries: batch.entries)
            counted(batch.entries.count)
            for (_, continuation) in batch.admissions { continuation.resume() }
            return
        } catch {
            // Admissions fail fast (the call is refused before it is forwarded).
            for (_, continuation) in batch.admissions { continuation.resume(throwing: error) }
            logger.error("ledger write failed", metadata: ["error": "\(error)", "entries": "\(batch.entries.count)"])
        }
        // Entries are never dropped while the process lives: retry them until the database takes them.
        // Once the journal is cancelled it stops after a few tries; their admissions stay in the
        // database and recovery closes them on the next start.
        var delay: Duration = .milliseconds(50)
        var triesAfterCancel = 0
        while !batch.entries.isEmpty {
            do {
                try await persist(admissions: [], entries: batch.entries)
                counted(batch.entries.count)
                return
            } catch {
                logger.error("ledger write failed; retrying", metadata: ["error": "\(error)", "entries": "\(batch.entries.count)"])
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

    /// Writes a batch; once the task is cancelled (forced stop) it writes synchronously, so a
    /// cancellation never discards a batch that could still be written.
    private func persist(admissions: [Admission], entries: [LedgerEntry]) async throws {
        if !Task.isCancelled {
            do {
                try await database.write(admissions: admissions, entries: entries)
                return
            } catch is CancellationError {
                // Fall through to the synchronous write.
            }
        }
        try database.writeNow(admissions: admissions, entries: entries)
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
