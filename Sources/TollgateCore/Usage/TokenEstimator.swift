/// A deterministic, tokenizer-free token count used where a provider's own count is unknown.
///
/// The gateway uses it to estimate usage of a call whose stream ended without a usage
/// report (the entry is then flagged `estimated`), and the provider simulator uses the same
/// rule to derive its token counts from the prompt, so estimates and simulated truth agree
/// on the simulator and stay within the usual ±25% of real tokenizers on English text.
public enum TokenEstimator {
    /// Estimated tokens in a piece of text: one token per started group of four UTF-8 bytes.
    public static func tokens(in text: String) -> Int64 {
        tokens(byteCount: text.utf8.count)
    }

    /// Estimated tokens in `byteCount` bytes of UTF-8 text.
    public static func tokens(byteCount: Int) -> Int64 {
        byteCount <= 0 ? 0 : Int64((byteCount + 3) / 4)
    }

    /// The most bytes of UTF-8 text estimated at no more than `tokens` tokens.
    public static func byteCount(tokens: Int) -> Int {
        guard tokens > 0 else { return 0 }
        let (bytes, overflow) = tokens.multipliedReportingOverflow(by: 4)
        return overflow ? .max : bytes
    }
}
