/// How a ``LearnedRouter`` turns a prompt into features: hashed word n-grams plus a few dense measures.
///
/// The text is read up to ``maxBytes`` UTF-8 bytes. Words are runs of ASCII letters and digits and of
/// non-ASCII bytes (so words of other scripts stay whole), lowercased (ASCII only). Each word, and with
/// ``ngrams`` 2 each pair of adjacent words (hashed as the text `"w1 w2"`), is hashed with FNV-1a 64 and a
/// final bit mix into one of 2^``bucketBits`` buckets. A bucket's value is `1 + ln(count)` (sublinear term
/// frequency), and the bucket values are scaled to unit L2 norm. The dense features
/// (``RouterFeatureSettings/denseNames``) follow the buckets.
public struct RouterFeatureSettings: Sendable, Hashable {
    /// The hash buckets are `2^bucketBits` (10 to 20).
    public var bucketBits: Int
    /// 1: words only; 2: words and adjacent word pairs.
    public var ngrams: Int
    /// The most UTF-8 bytes read from a prompt (1 to 1 MiB).
    public var maxBytes: Int

    /// The accepted ``bucketBits``.
    public static let bucketBitsRange = 10...20
    /// The accepted ``maxBytes``.
    public static let maxBytesRange = 1...(1 << 20)

    /// The dense features, in order, after the buckets:
    /// - `log_bytes`: ln(1 + UTF-8 length of the whole text) / 10;
    /// - `log_words`: ln(1 + words read) / 10;
    /// - `code_chars`: 10 × the share of bytes among `{}[]();=<>#_|$\``, at most 1;
    /// - `log_newlines`: ln(1 + line breaks read) / 5;
    /// - `digits`: the share of ASCII digit bytes;
    /// - `log_last_part`: ln(1 + bytes after the last blank line) / 8 (the question of a few-shot prompt);
    /// - `non_ascii`: the share of bytes above 0x7F.
    public static let denseNames = ["log_bytes", "log_words", "code_chars", "log_newlines", "digits", "log_last_part", "non_ascii"]

    /// Creates settings.
    /// - Parameters:
    ///   - bucketBits: The hash buckets are `2^bucketBits`; 16 by default (65,536 buckets; see docs/router.md).
    ///   - ngrams: 1 for words only, 2 for words and adjacent pairs (the default).
    ///   - maxBytes: The most UTF-8 bytes read from a prompt; 8,192 by default.
    public init(bucketBits: Int = 16, ngrams: Int = 2, maxBytes: Int = 8_192) {
        self.bucketBits = bucketBits
        self.ngrams = ngrams
        self.maxBytes = maxBytes
    }

    /// The number of hash buckets.
    public var buckets: Int { 1 << bucketBits }

    /// The number of features: the buckets and then the dense features.
    public var dimensions: Int { buckets + Self.denseNames.count }

    /// Why these settings cannot be used, or `nil` when they can.
    public var problem: String? {
        if !Self.bucketBitsRange.contains(bucketBits) {
            return "bucket_bits must be \(Self.bucketBitsRange.lowerBound) to \(Self.bucketBitsRange.upperBound), got \(bucketBits)"
        }
        if ngrams != 1 && ngrams != 2 { return "ngrams must be 1 or 2, got \(ngrams)" }
        if !Self.maxBytesRange.contains(maxBytes) { return "max_bytes must be 1 to \(Self.maxBytesRange.upperBound), got \(maxBytes)" }
        return nil
    }
}

/// A prompt's features: the non-zero buckets in ascending order, then the dense features.
public struct RouterFeatureVector: Sendable, Hashable {
    /// Feature indices, ascending (buckets below ``RouterFeatureSettings/buckets``, dense features above).
    public var indices: [Int32]
    /// The value of each feature in ``indices``.
    public var values: [Double]

    /// Creates a vector.
    public init(indices: [Int32] = [], values: [Double] = []) {
        self.indices = indices
        self.values = values
    }
}
