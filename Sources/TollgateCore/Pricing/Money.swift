/// Exact conversions between integer nano-USD (10^-9 USD, the ledger's money unit) and
/// decimal USD text.
public enum Money {
    /// Nano-USD in one US dollar.
    public static let nanoPerUSD: Int64 = 1_000_000_000

    /// Exact decimal USD text for an amount of nano-USD, without trailing zeros:
    /// `7_250_000` → `"0.00725"`, `0` → `"0"`, `12_345_678_900` → `"12.3456789"`,
    /// negative amounts with a leading `-`.
    public static func format(nanoUSD: Int64) -> String {
        ExactDecimal.format(Int128(nanoUSD), fractionalDigits: 9)
    }

    /// Parses decimal USD text (`"0.00725"`, `"-1.5"`, `"2e-3"`) to nano-USD exactly.
    /// Returns nil for malformed text, more than 9 significant fractional digits, or an
    /// amount outside `Int64`.
    public static func parseUSD(_ text: String) -> Int64? {
        guard let nano = ExactDecimal.scaled(text, fractionalDigits: 9),
            nano >= Int128(Int64.min), nano <= Int128(Int64.max)
        else { return nil }
        return Int64(nano)
    }
}
