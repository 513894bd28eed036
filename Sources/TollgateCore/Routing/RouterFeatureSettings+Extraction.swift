extension RouterFeatureSettings {
    /// The features of `text`, as ``RouterFeatureSettings`` describes them.
    /// - Parameter text: A prompt.
    /// - Returns: The non-zero buckets (ascending) and then every dense feature.
    public func features(of text: String) -> RouterFeatureVector {
        var text = text
        let totalBytes = text.utf8.count
        return text.withUTF8 { bytes in
            features(of: UnsafeBufferPointer(rebasing: bytes.prefix(maxBytes)), totalBytes: totalBytes)
        }
    }

    /// The features of the first ``maxBytes`` of `bytes` (`totalBytes` long in all).
    func features(of bytes: UnsafeBufferPointer<UInt8>, totalBytes: Int) -> RouterFeatureVector {
        var scan = TokenScan(mask: UInt64(buckets - 1), bigrams: ngrams >= 2)
        scan.run(bytes)
        var vector = Self.sublinear(Self.sorted(scan.buckets, bits: bucketBits))
        let read = Double(max(1, bytes.count))
        let dense: [Double] = [
            PortableMath.log(1 + Double(totalBytes)) / 10,
            PortableMath.log(1 + Double(scan.words)) / 10,
            min(1, 10 * Double(scan.codeBytes) / read),
            PortableMath.log(1 + Double(scan.newlines)) / 5,
            Double(scan.digitBytes) / read,
            PortableMath.log(1 + Double(bytes.count - scan.lastPartStart)) / 8,
            Double(scan.nonASCIIBytes) / read,
        ]
        for (offset, value) in dense.enumerated() {
            vector.indices.append(Int32(buckets + offset))
            vector.values.append(value)
        }
        return vector
    }

    /// `hits` (each below 2^`bits`) in ascending order: a two-pass radix sort, linear in the count.
    static func sorted(_ hits: [Int32], bits: Int) -> [Int32] {
        guard hits.count > 64 else { return hits.sorted() }
        let digit = (bits + 1) / 2
        let mask = Int32((1 << digit) - 1)
        var source = hits
        var target = [Int32](repeating: 0, count: hits.count)
        var counts = [Int](repeating: 0, count: (1 << digit) + 1)
        for shift in [Int32(0), Int32(digit)] {
            source.withUnsafeBufferPointer { from in
                target.withUnsafeMutableBufferPointer { to in
                    counts.withUnsafeMutableBufferPointer { counts in
                        counts.update(repeating: 0)
                        for hit in from { counts[Int((hit >> shift) & mask) + 1] += 1 }
                        for i in 1..<counts.count { counts[i] += counts[i - 1] }
                        for hit in from {
                            let slot = Int((hit >> shift) & mask)
                            to[counts[slot]] = hit
                            counts[slot] += 1
                        }
                    }
                }
            }
            swap(&source, &target)
        }
        return source
    }

    /// Counts of each bucket in `sorted` (ascending) as `1 + ln(count)`, scaled to unit L2 norm.
    static func sublinear(_ sorted: [Int32]) -> RouterFeatureVector {
        var vector = RouterFeatureVector()
        guard !sorted.isEmpty else { return vector }
        vector.indices.reserveCapacity(sorted.count + denseNames.count)
        vector.values.reserveCapacity(sorted.count + denseNames.count)
        var start = 0
        var squares = 0.0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
            let count = end - start
            let value = count < termWeights.count ? termWeights[count] : 1 + PortableMath.log(Double(count))
            vector.indices.append(sorted[start])
            vector.values.append(value)
            squares += value * value
            start = end
        }
        let scale = 1 / squares.squareRoot()
        for i in vector.values.indices { vector.values[i] *= scale }
        return vector
    }

    /// `1 + ln(n)` for small counts `n`.
    private static let termWeights: [Double] = (0..<64).map { $0 == 0 ? 0 : 1 + PortableMath.log(Double($0)) }

    /// FNV-1a 64 of `bytes` continued from `state`, ASCII letters lowercased.
    static func fnv(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// The FNV-1a 64 offset basis.
    static let fnvBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    /// A final mix of an FNV state, so that its low bits (the bucket) depend on every byte.
    static func finish(_ state: UInt64) -> UInt64 {
        var h = state
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

/// One pass over a prompt's bytes: the words' buckets and the counts behind the dense features.
struct TokenScan {
    let mask: UInt64
    let bigrams: Bool
    var buckets: [Int32] = []
    var words = 0
    var codeBytes = 0
    var newlines = 0
    var digitBytes = 0
    var nonASCIIBytes = 0
    var lastPartStart = 0

    init(mask: UInt64, bigrams: Bool) {
        self.mask = mask
        self.bigrams = bigrams
    }

    /// Whether `byte` belongs to a word: an ASCII letter or digit, or any byte of a non-ASCII character.
    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    static func isCodeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x7B, 0x7D, 0x5B, 0x5D, 0x28, 0x29, 0x3B, 0x3D, 0x3C, 0x3E, 0x23, 0x5F, 0x7C, 0x24, 0x60: true
        default: false
        }
    }

    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        buckets.reserveCapacity(bytes.count / 2)
        var previous: UInt64? = nil
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard Self.isWordByte(byte) else {
                count(byte, at: i, in: bytes)
                i += 1
                continue
            }
            var end = i
            var state = RouterFeatureSettings.fnvBasis
            while end < bytes.count && Self.isWordByte(bytes[end]) {
                let b = bytes[end]
                if b >= 0x80 { nonASCIIBytes += 1 } else if b <= 0x39 { digitBytes += 1 }
                state = RouterFeatureSettings.fnv(state, b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
                end += 1
            }
            words += 1
            buckets.append(Int32(truncatingIfNeeded: RouterFeatureSettings.finish(state) & mask))
            if bigrams, let previous {
                var pair = RouterFeatureSettings.fnv(previous, 0x20)
                for j in i..<end {
                    let b = bytes[j]
                    pair = RouterFeatureSettings.fnv(pair, b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
                }
                buckets.append(Int32(truncatingIfNeeded: RouterFeatureSettings.finish(pair) & mask))
            }
            previous = state
            i = end
        }
    }

    /// Counts a byte outside words: code characters, line breaks and where the last blank line ends.
    private mutating func count(_ byte: UInt8, at i: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        if byte == 0x0A {
            newlines += 1
            let blank = i > 0 && (bytes[i - 1] == 0x0A || (i > 1 && bytes[i - 1] == 0x0D && bytes[i - 2] == 0x0A))
            if blank { lastPartStart = i + 1 }
        } else if Self.isCodeByte(byte) {
            codeBytes += 1
        }
    }
}
