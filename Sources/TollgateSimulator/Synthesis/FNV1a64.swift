import TollgateProviders

/// The 64-bit FNV-1a hash, used by the simulator to derive deterministic answers from prompts.
///
/// It is stable across processes and platforms (unlike `Hasher`), so the same prompt always
/// yields the same simulated completion.
public struct FNV1a64: Sendable, Hashable {
    /// The FNV-1a 64-bit offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64-bit prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of everything combined so far.
    public private(set) var value: UInt64

    /// Creates a hasher in its initial state.
    public init() {
        value = Self.offsetBasis
    }

    /// Mixes one byte into the hash.
    public mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    /// Mixes the UTF-8 bytes of `text` into the hash.
    public mutating func combine(_ text: String) {
        var hash = value
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* Self.prime
        }
        value = hash
    }

    /// Mixes the eight little-endian bytes of `number` into the hash.
    public mutating func combine(_ number: Int) {
        var bits = UInt64(bitPattern: Int64(number))
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    /// The FNV-1a-64 hash of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a64()
        hasher.combine(text)
        return hasher.value
    }
}
