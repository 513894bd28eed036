import Synchronization
public import TollgateCore

/// An answer kept by the exact response cache: the provider's response as it was sent, and what a
/// hit needs to be recorded (the usage it replaces and the entry that paid for it).
public struct CachedAnswer: Sendable, Hashable {
    /// The response body, byte for byte.
    public var body: [UInt8]
    /// Its `content-type`.
    public var contentType: String
    /// The usage the original call was billed for.
    public var usage: TokenUsage
    /// The ledger entry that produced the answer.
    public var sourceEntryID: String
    /// When the answer stops being served, Unix milliseconds.
    public var expiresAtMs: Int64
    /// The model the provider said served it.
    public var servedModel: String
    /// When it was stored, Unix milliseconds.
    public var storedAtMs: Int64

    /// Creates an answer.
    public init(
        body: [UInt8], contentType: String, usage: TokenUsage, sourceEntryID: String, expiresAtMs: Int64, servedModel: String = "",
        storedAtMs: Int64 = 0
    ) {
        self.body = body
        self.contentType = contentType
        self.usage = usage
        self.sourceEntryID = sourceEntryID
        self.expiresAtMs = expiresAtMs
        self.servedModel = servedModel
        self.storedAtMs = storedAtMs
    }

    /// What the answer counts against the cache's capacity: its body, its strings and ``overhead``.
    var cost: Int { body.count + contentType.utf8.count + sourceEntryID.utf8.count + servedModel.utf8.count + Self.overhead }

    /// What one held answer costs the process beyond its bytes: its key, index slot, list node and
    /// allocations (measured: the gateway grew by about 1.35 KB per 600-byte answer held).
    public static let overhead = 640
}

/// The exact response cache's memory: answers by key, bounded by bytes, least recently used out
/// first, each served until its expiry and never after.
public final class ResponseCacheStore: Sendable {
    /// What the store holds and has done.
    public struct Statistics: Sendable, Hashable {
        /// Answers held.
        public var entries = 0
        /// Bytes they count for.
        public var bytes = 0
        /// Answers dropped to make room.
        public var evictions = 0
        /// Answers dropped because they had expired.
        public var expirations = 0
    }

    private struct Node {
        var key: ResponseCacheKey
        var answer: CachedAnswer
        var newer: Int?
        var older: Int?
    }

    private struct State {
        var nodes: [Node?] = []
        var free: [Int] = []
        var index: [ResponseCacheKey: Int] = [:]
        var newest: Int?
        var oldest: Int?
        var statistics = Statistics()
    }

    /// The most bytes the answers may count for.
    public let capacityBytes: Int
    private let state = Mutex(State())

    /// A store of at most `capacityBytes`.
    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// What the store holds and has done.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The answer for `key`, if one is held and has not expired at `nowMs` (an expired one is dropped).
    public func answer(for key: ResponseCacheKey, nowMs: Int64) -> CachedAnswer? {
        state.withLock { s in
            guard let slot = s.index[key], let node = s.nodes[slot] else { return nil }
            guard nowMs < node.answer.expiresAtMs else {
                Self.remove(slot, from: &s)
                s.statistics.expirations += 1
                return nil
            }
            Self.unlink(slot, in: &s)
            Self.linkNewest(slot, in: &s)
            return node.answer
        }
    }

    /// Keeps `answer` under `key`, replacing what was there, and drops the least recently used answers
    /// until the store fits. An answer larger than the whole capacity is not kept.
    /// - Returns: Whether the answer was kept.
    @discardableResult
    public func store(_ answer: CachedAnswer, for key: ResponseCacheKey) -> Bool {
        guard answer.cost <= capacityBytes else { return false }
        return state.withLock { s in
            if let slot = s.index[key] { Self.remove(slot, from: &s) }
            while s.statistics.bytes + answer.cost > capacityBytes, let oldest = s.oldest {
                Self.remove(oldest, from: &s)
                s.statistics.evictions += 1
            }
            let node = Node(key: key, answer: answer)
            let slot: Int
            if let reused = s.free.popLast() {
                slot = reused
                s.nodes[slot] = node
            } else {
                slot = s.nodes.count
                s.nodes.append(node)
            }
            s.index[key] = slot
            Self.linkNewest(slot, in: &s)
            s.statistics.entries += 1
            s.statistics.bytes += answer.cost
            return true
        }
    }

    private static func remove(_ slot: Int, from s: inout State) {
        guard let node = s.nodes[slot] else { return }
        unlink(slot, in: &s)
        s.index.removeValue(forKey: node.key)
        s.nodes[slot] = nil
        s.free.append(slot)
        s.statistics.entries -= 1
        s.statistics.bytes -= node.answer.cost
    }

    private static func unlink(_ slot: Int, in s: inout State) {
        guard let node = s.nodes[slot] else { return }
        if let newer = node.newer { s.nodes[newer]?.older = node.older } else { s.newest = node.older }
        if let older = node.older { s.nodes[older]?.newer = node.newer } else { s.oldest = node.newer }
        s.nodes[slot]?.newer = nil
        s.nodes[slot]?.older = nil
    }

    private static func linkNewest(_ slot: Int, in s: inout State) {
        s.nodes[slot]?.older = s.newest
        s.nodes[slot]?.newer = nil
        if let newest = s.newest { s.nodes[newest]?.newer = slot }
        s.newest = slot
        if s.oldest == nil { s.oldest = slot }
    }
}
