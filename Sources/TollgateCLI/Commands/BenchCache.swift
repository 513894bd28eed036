import ArgumentParser
import Foundation
import TollgateCore
import TollgateProviders

/// `tollgate bench-cache`: what one exact response cache lookup costs with many answers held.
struct BenchCache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-cache",
        abstract: "Measure an exact response cache lookup (parse, eligibility, canonical key, store) with N answers held.",
        shouldDisplay: false)

    @Option(help: "Answers held in the store while lookups are timed.")
    var entries: Int = 100_000

    @Option(help: "Lookups timed (half hits, half misses).")
    var lookups: Int = 100_000

    /// A chat request like the benchmark's, about 600 bytes, distinct per `n`.
    static func body(_ n: Int) -> [UInt8] {
        Array(
            (#"{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a concise assistant for an internal developer portal."},"#
                + #"{"role":"user","content":"In two sentences, explain what an LLM gateway does and why teams meter tokens per request. "#
                + #"Ticket \#(n): the customer asks about invoices, refunds and the service level of the \"premium\" plan."}],"#
                + #""max_tokens":64,"temperature":0,"user":"u-\#(n % 97)","metadata":{"run":"bench"}}"#).utf8)
    }

    /// The answer stored for each request (the fake upstream's size).
    static let answer = Array(String(repeating: "x", count: 560).utf8)

    func run() async throws {
        let store = ResponseCacheStore(capacityBytes: Int.max)
        for n in 0..<entries {
            guard let key = Self.key(Self.body(n)) else { throw CommandFailure("the benchmark body has no key") }
            store.store(
                CachedAnswer(
                    body: Self.answer, contentType: "application/json", usage: TokenUsage(inputUncached: 512, output: 64), sourceEntryID: "tg_\(n)",
                    expiresAtMs: .max), for: key)
        }
        let bodies = (0..<lookups).map { i in Self.body(i % 2 == 0 ? (i * 7_919) % max(1, entries) : entries + i) }
        var parsed = 0
        let parse = Self.perItem(bodies) { if (try? JSONDocument(parsing: $0)) != nil { parsed += 1 } }
        var keyed = 0
        let key = Self.perItem(bodies) { if Self.key($0) != nil { keyed += 1 } }
        var hits = 0
        let lookup = Self.perItem(bodies) { if let key = Self.key($0), store.answer(for: key, nowMs: 0) != nil { hits += 1 } }
        let statistics = store.statistics
        func us(_ value: Double) -> String { String(format: "%.2f", value) }
        print(
            "CACHE {\"entries\":\(statistics.entries),\"bytes\":\(statistics.bytes),\"lookups\":\(bodies.count),\"hits\":\(hits),"
                + "\"body_bytes\":\(Self.body(0).count),\"cpu_us_per_lookup\":\(us(lookup)),\"cpu_us_parse\":\(us(parse)),"
                + "\"cpu_us_parse_and_key\":\(us(key)),\"parsed\":\(parsed),\"keyed\":\(keyed)}")
    }

    /// CPU microseconds per item of `work` over `items`.
    static func perItem(_ items: [[UInt8]], _ work: ([UInt8]) -> Void) -> Double {
        let start = cpuNanoseconds()
        for item in items { work(item) }
        return Double(cpuNanoseconds() - start) / Double(max(1, items.count)) / 1_000
    }

    /// The steps a lookup takes: parse, eligibility, canonical key.
    static func key(_ body: [UInt8]) -> ResponseCacheKey? {
        guard let document = try? JSONDocument(parsing: body), ResponseCacheEligibility(body: document) == .eligible else { return nil }
        return ResponseCacheKey(
            body: document, dialect: .openai, route: "chat.completions", servedModel: "gpt-4o-mini-2024-07-18", scope: "team:bench")
    }

    /// CPU time this process has used.
    static func cpuNanoseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Int64(usage.ru_utime.tv_sec) * 1_000_000_000 + Int64(usage.ru_utime.tv_usec) * 1_000
        let system = Int64(usage.ru_stime.tv_sec) * 1_000_000_000 + Int64(usage.ru_stime.tv_usec) * 1_000
        return user + system
    }
}
