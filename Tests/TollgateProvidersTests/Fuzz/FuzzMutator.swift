import Foundation

@testable import TollgateCore

/// A seeded mutator for the fuzz suite: byte flips, insertions and deletions, JSON tokens spliced in,
/// numbers made huge or negative, ranges duplicated, and seeds crossed. The same seed gives the same inputs.
struct FuzzMutator {
    /// The project's seedable SplitMix64 (the demo history's generator).
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ bound: Int) -> Int { random.below(bound) }

    /// Fragments that stress a JSON reader: structure, escapes, numbers at and past every limit, duplicates.
    static let tokens: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u006d\\u006f\\u0064\\u0065\\u006c",
        "\"model\":\"gpt-4o\",", "\"max_tokens\":-1,", "\"max_tokens\":1e400,", "\"n\":0,", "\"stream\":true,",
        "-0", "1e999", "-9223372036854775809", "9223372036854775808", "0.0000000001", "01", "1.", ".5", "NaN", "true", "null",
        "\u{00}", "\u{7f}", "\u{202e}", "\r\n\r\n", "\n\n", "data: ", "event: ", "data: [DONE]\n\n", "[[[[[[[[", "]]]]]]]]",
        "\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":99999999999999999999}",
    ]

    /// One mutated input from `seeds`.
    mutating func mutate(_ seeds: [[UInt8]]) -> [UInt8] {
        var bytes = seeds[below(seeds.count)]
        for _ in 0...below(4) {
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
            case 1:
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(16)))
            case 3:
                bytes.insert(contentsOf: Array(Self.tokens[below(Self.tokens.count)].utf8), at: below(bytes.count + 1))
            case 4 where !bytes.isEmpty:
                let start = below(bytes.count)
                let range = start..<min(bytes.count, start + 1 + below(64))
                bytes.insert(contentsOf: bytes[range], at: below(bytes.count + 1))
            case 5:
                let other = seeds[below(seeds.count)]
                let cut = below(bytes.count + 1)
                bytes = Array(bytes[..<cut]) + Array(other[below(other.count + 1)...])
            default:
                if let digit = bytes.indices.filter({ bytes[$0] >= 48 && bytes[$0] <= 57 }).randomElement(using: &self) {
                    bytes.insert(contentsOf: Array((below(2) == 0 ? "-" : "999999999999999999999").utf8), at: digit)
                }
            }
        }
        return bytes
    }
}

extension FuzzMutator: RandomNumberGenerator {}

/// The committed corpus: seed inputs of each kind, read from `Fuzz/corpus` beside this file.
enum FuzzCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("corpus")

    /// The seeds whose file names end with `suffix`.
    static func seeds(_ suffix: String) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
        return try names.map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    /// Iterations per property: `TOLLGATE_FUZZ_ITERATIONS`, 10,000 by default (a few seconds in a debug build).
    static var iterations: Int {
        ProcessInfo.processInfo.environment["TOLLGATE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 10_000
    }

    /// The run's seed: `TOLLGATE_FUZZ_SEED`, or a fixed one so a failure reproduces.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["TOLLGATE_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x7011_6A7E
    }
}
