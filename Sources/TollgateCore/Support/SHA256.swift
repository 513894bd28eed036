import Crypto

/// SHA-256 (FIPS 180-4), from swift-crypto: fingerprints of imported catalogs, key secrets, the levers'
/// settings, and the response cache's keys.
public enum SHA256Digest {
    /// The lowercase hex digest of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        hexText(digest(Array(bytes)))
    }

    /// The 32-byte digest of `message`.
    public static func digest(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }

    /// `bytes` as lowercase hex.
    public static func hexText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (i, byte) in bytes.enumerated() {
                buffer[2 * i] = digits[Int(byte >> 4)]
                buffer[2 * i + 1] = digits[Int(byte & 0x0f)]
            }
            return bytes.count * 2
        }
    }
}
