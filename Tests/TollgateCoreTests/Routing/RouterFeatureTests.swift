import Testing

@testable import TollgateCore

/// Feature extraction: tokens, hashing, normalisation and the byte limit.
@Suite struct RouterFeatureTests {
    let settings = RouterFeatureSettings(bucketBits: 16)

    /// The hashed part of a vector (below the dense features).
    func buckets(_ vector: RouterFeatureVector) -> [Int32: Double] {
        var out: [Int32: Double] = [:]
        for (index, value) in zip(vector.indices, vector.values) where Int(index) < settings.buckets { out[index] = value }
        return out
    }

    @Test func caseAndPunctuationDoNotChangeTheWords() {
        #expect(buckets(settings.features(of: "Hello, WORLD!")) == buckets(settings.features(of: "hello world")))
        #expect(buckets(settings.features(of: "hello world")) != buckets(settings.features(of: "world hello")))
    }

    @Test func bucketValuesHaveUnitNormAndSublinearCounts() {
        let vector = buckets(settings.features(of: "spam spam spam eggs"))
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-12)
        // words: spam ×3, eggs; pairs: "spam spam" ×2, "spam eggs".
        let sorted = vector.values.sorted()
        let scale = sorted[0]
        #expect(vector.count == 4)
        #expect(abs(sorted[3] / scale - (1 + PortableMath.log(3))) < 1e-12)
        #expect(abs(sorted[2] / scale - (1 + PortableMath.log(2))) < 1e-12)
        #expect(buckets(RouterFeatureSettings(bucketBits: 16, ngrams: 1).features(of: "spam spam spam eggs")).count == 2)
    }

    @Test func onlyTheFirstMaxBytesAreRead() {
        let limited = RouterFeatureSettings(bucketBits: 16, maxBytes: 11)
        #expect(buckets(limited.features(of: "hello world and much more")) == buckets(limited.features(of: "hello world")))
    }

    @Test func denseFeaturesDescribeTheText() {
        let text = "def f(x):\n    return x[0] + 42\n\nWhat does f return?"
        let vector = settings.features(of: text)
        let dense = Array(vector.values.suffix(RouterFeatureSettings.denseNames.count))
        #expect(vector.indices.suffix(7).map(Int.init) == (0..<7).map { settings.buckets + $0 })
        #expect(abs(dense[0] - PortableMath.log(1 + Double(text.utf8.count)) / 10) < 1e-15)
        // def f x return x 0 42 what does f return: 11 words.
        #expect(abs(dense[1] - PortableMath.log(1 + 11) / 10) < 1e-15)
        #expect(dense[2] > 0)
        #expect(abs(dense[3] - PortableMath.log(1 + 3) / 5) < 1e-15)
        #expect(abs(dense[5] - PortableMath.log(1 + Double("What does f return?".utf8.count)) / 8) < 1e-15)
        #expect(dense[6] == 0)
    }

    @Test func theRadixSortOfBucketsIsASort() {
        var random = SplitMix64(seed: 5)
        for bits in [10, 15, 16, 20] {
            for count in [0, 3, 64, 65, 1_000] {
                let hits = (0..<count).map { _ in Int32(random.below(1 << bits)) }
                #expect(RouterFeatureSettings.sorted(hits, bits: bits) == hits.sorted())
            }
        }
    }

    @Test func settingsOutOfRangeAreNamed() {
        #expect(RouterFeatureSettings().problem == nil)
        #expect(RouterFeatureSettings(bucketBits: 9).problem != nil)
        #expect(RouterFeatureSettings(ngrams: 3).problem != nil)
        #expect(RouterFeatureSettings(maxBytes: 0).problem != nil)
    }
}
