import Foundation
import Testing
import TollgateCore

/// The decision rule and the probabilities, against an independent computation.
@Suite struct LearnedRouterRoutingTests {
    /// FNV-1a 64 of `text` with the documented final mix, written out again here.
    static func bucket(_ text: String, bits: Int) -> Int {
        var h: UInt64 = 14_695_981_039_346_656_037
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 1_099_511_628_211 }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return Int(h & ((1 << UInt64(bits)) - 1))
    }

    static func logistic(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

    @Test func probabilitiesAreTheLogisticOfTheWeightedFeatures() throws {
        let bits = 16
        let text = "Alpha, BETA!"
        let buckets = ["alpha", "beta", "alpha beta"].map { Self.bucket($0, bits: bits) }
        try #require(Set(buckets).count == 3)
        let logBytes = (1 << bits) + 0
        let weights: [Int: Float] = [buckets[0]: 0.75, buckets[1]: -1.5, buckets[2]: 2.25, logBytes: 0.5]
        let router = try LearnedRouter(
            features: RouterFeatureSettings(bucketBits: bits),
            models: [.init(name: "m", meanCostUSD: 0.01, accuracy: 0.5, rows: 1, bias: -0.3, weights: RouterWeights(weights))],
            threshold: 0.5)
        let words: Double = (0.75 - 1.5 + 2.25) / 3.0.squareRoot()
        let length: Double = 0.5 * Foundation.log(13.0) / 10
        let z = -0.3 + words + length
        let p = try #require(router.probabilities(text: text).first)
        #expect(abs(p - Self.logistic(z)) < 1e-12)
        #expect(abs(router.route(text: text).probability - Self.logistic(z)) < 1e-12)
    }

    @Test func theCheapestModelAboveTheThresholdIsChosen() throws {
        // cheap: about sigmoid(1) = 0.73 (its log_words weight takes a little off), strong: sigmoid(2) = 0.88.
        let router = try RouterFixtures.handMade(cheapBias: 1, strongBias: 2, threshold: 0.7)
        let decision = router.route(text: "anything")
        #expect(decision.model == "cheap")
        #expect(decision.metThreshold)
        #expect(decision.threshold == 0.7)
        #expect(decision.candidates.map(\.model) == ["cheap", "strong"])
        #expect(abs(decision.candidates[1].probability - Self.logistic(2)) < 1e-12)
        let strict = try router.with(threshold: 0.8)
        #expect(strict.route(text: "anything").model == "strong")
    }

    @Test func whenNoModelQualifiesTheMostProbableIsChosen() throws {
        let router = try RouterFixtures.handMade(cheapBias: -1, strongBias: 0.5, threshold: 0.95)
        let decision = router.route(text: "anything")
        #expect(decision.model == "strong")
        #expect(!decision.metThreshold)
    }

    @Test func equalProbabilitiesGoToTheMoreAccurateModel() throws {
        let router = try RouterFixtures.handMade(cheapBias: 1, strongBias: 1, threshold: 0.99)
        // The hand-made cheap model has a weight on bucket 3 and on a dense feature; an empty prompt has neither
        // bucket and a log length of 0, so both probabilities are sigmoid(1) and the tie goes to the more accurate.
        let decision = router.route(text: "")
        #expect(decision.candidates[0].probability == decision.candidates[1].probability)
        #expect(decision.model == "strong")
    }

    @Test func aRestrictedRouteOnlyConsidersTheAllowedModels() throws {
        let router = try RouterFixtures.handMade(cheapBias: 1, strongBias: 2, threshold: 0.7)
        let decision = try #require(router.route(text: "anything", allowed: ["strong", "unknown"]))
        #expect(decision.model == "strong")
        #expect(decision.candidates.map(\.model) == ["strong"])
        #expect(router.route(text: "anything", allowed: ["unknown"]) == nil)
    }

    @Test func portableMathAgreesWithTheSystemLibrary() {
        var random = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            let x = (random.nextUnit() - 0.5) * 80
            #expect(abs(PortableMath.exp(x) - Foundation.exp(x)) <= 1e-15 * Foundation.exp(x))
            let y = Foundation.exp((random.nextUnit() - 0.5) * 60)
            #expect(abs(PortableMath.log(y) - Foundation.log(y)) <= 1e-15 * max(1, abs(Foundation.log(y))))
        }
        #expect(PortableMath.exp(-800) == 0)
        #expect(PortableMath.exp(800) == .infinity)
        #expect(PortableMath.log(1) == 0)
        #expect(PortableMath.sigmoid(0) == 0.5)
        #expect(abs(PortableMath.sigmoid(-40) - Self.logistic(-40)) < 1e-30)
    }
}
