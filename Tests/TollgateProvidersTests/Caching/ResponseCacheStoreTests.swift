import Testing
import TollgateCore

@testable import TollgateProviders

/// The exact cache's memory: expiry to the millisecond, least recently used out first, bytes bounded,
/// checked against a naive reference under random operations and under concurrent use.
@Suite struct ResponseCacheStoreTests {
    static func answer(_ id: String, bytes: Int = 100, expiresAtMs: Int64 = 1_000) -> CachedAnswer {
        CachedAnswer(
            body: [UInt8](repeating: 0x61, count: bytes), contentType: "application/json", usage: TokenUsage(inputUncached: 10, output: 5),
            sourceEntryID: id, expiresAtMs: expiresAtMs)
    }

    static func key(_ name: String) -> ResponseCacheKey { ResponseCacheKey(hex: name) }

    @Test func anAnswerIsServedUntilItsExpiryAndNeverAfter() {
        let store = ResponseCacheStore(capacityBytes: 10_000)
        #expect(store.answer(for: Self.key("a"), nowMs: 0) == nil)
        #expect(store.store(Self.answer("e1", expiresAtMs: 1_000), for: Self.key("a")))
        #expect(store.answer(for: Self.key("a"), nowMs: 999)?.sourceEntryID == "e1")
        #expect(store.answer(for: Self.key("a"), nowMs: 1_000) == nil)
        #expect(store.statistics == .init(entries: 0, bytes: 0, evictions: 0, expirations: 1))
    }

    @Test func theLeastRecentlyUsedAnswerMakesRoomFirst() {
        let cost = Self.answer("x").cost
        let store = ResponseCacheStore(capacityBytes: 3 * cost)
        for name in ["a", "b", "c"] { store.store(Self.answer(name), for: Self.key(name)) }
        #expect(store.answer(for: Self.key("a"), nowMs: 0) != nil)  // a is now the most recent
        store.store(Self.answer("d"), for: Self.key("d"))
        #expect(store.answer(for: Self.key("b"), nowMs: 0) == nil)
        #expect(["a", "c", "d"].allSatisfy { store.answer(for: Self.key($0), nowMs: 0) != nil })
        #expect(store.statistics.evictions == 1 && store.statistics.bytes == 3 * cost)
    }

    @Test func anAnswerLargerThanTheStoreIsNotKeptAndAReplacementIsCountedOnce() {
        let store = ResponseCacheStore(capacityBytes: 1_000)
        #expect(!store.store(Self.answer("big", bytes: 2_000), for: Self.key("big")))
        store.store(Self.answer("one", bytes: 100), for: Self.key("k"))
        store.store(Self.answer("two", bytes: 300), for: Self.key("k"))
        #expect(store.answer(for: Self.key("k"), nowMs: 0)?.sourceEntryID == "two")
        #expect(store.statistics.entries == 1 && store.statistics.bytes == Self.answer("two", bytes: 300).cost)
    }

    /// A reference LRU, written the slow and obvious way: a list, most recent last.
    struct Reference {
        var items: [(key: String, answer: CachedAnswer)] = []
        let capacity: Int

        mutating func answer(_ key: String, nowMs: Int64) -> CachedAnswer? {
            guard let i = items.firstIndex(where: { $0.key == key }) else { return nil }
            let item = items.remove(at: i)
            guard nowMs < item.answer.expiresAtMs else { return nil }
            items.append(item)
            return item.answer
        }

        mutating func store(_ answer: CachedAnswer, _ key: String) {
            guard answer.cost <= capacity else { return }
            items.removeAll { $0.key == key }
            while items.map(\.answer.cost).reduce(0, +) + answer.cost > capacity { items.removeFirst() }
            items.append((key, answer))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomOperationsAgreeWithTheReference(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let capacity = 2_000
        let store = ResponseCacheStore(capacityBytes: capacity)
        var reference = Reference(capacity: capacity)
        var nowMs: Int64 = 0
        for step in 0..<5_000 {
            let key = "k\(random.next() % 40)"
            nowMs += Int64(random.next() % 3)
            if random.next() % 3 == 0 {
                let answer = Self.answer("e\(step)", bytes: Int(random.next() % 500), expiresAtMs: nowMs + Int64(random.next() % 200))
                store.store(answer, for: Self.key(key))
                reference.store(answer, key)
            } else {
                // Every stored answer has its own entry id, so equal ids are equal answers.
                let got = store.answer(for: Self.key(key), nowMs: nowMs)?.sourceEntryID
                #expect(got == reference.answer(key, nowMs: nowMs)?.sourceEntryID, "step \(step)")
            }
            #expect(store.statistics.bytes <= capacity)
        }
        #expect(store.statistics.entries == reference.items.count)
        #expect(store.statistics.bytes == reference.items.map(\.answer.cost).reduce(0, +))
    }

    @Test func concurrentUseKeepsTheAccountsExact() async {
        let store = ResponseCacheStore(capacityBytes: 20_000)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var random = SplitMix64(seed: UInt64(worker))
                    for step in 0..<5_000 {
                        let key = Self.key("k\(random.next() % 64)")
                        if random.next() % 2 == 0 {
                            store.store(Self.answer("w\(worker)-\(step)", bytes: Int(random.next() % 1_000), expiresAtMs: 1 << 40), for: key)
                        } else {
                            _ = store.answer(for: key, nowMs: 0)
                        }
                    }
                }
            }
        }
        let held = (0..<64).compactMap { store.answer(for: Self.key("k\($0)"), nowMs: 0) }
        #expect(store.statistics.entries == held.count)
        #expect(store.statistics.bytes == held.map(\.cost).reduce(0, +))
        #expect(store.statistics.bytes <= 20_000)
    }
}
