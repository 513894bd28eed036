import Foundation
import Testing
import TollgateCore

/// The router file: a round trip keeps everything, and each kind of damage is refused with its own error.
@Suite struct LearnedRouterFileTests {
    @Test func aTrainedRouterSurvivesARoundTrip() throws {
        let router = try RouterTrainer.train(RouterFixtures.zebra(coin: true), options: RouterFixtures.options)
        let bytes = router.jsonBytes()
        let loaded = try LearnedRouter(json: bytes)
        #expect(loaded == router)
        #expect(loaded.fingerprint == router.fingerprint)
        #expect(loaded.jsonBytes() == bytes)
        for example in RouterFixtures.zebra(count: 20, seed: 3) {
            #expect(loaded.probabilities(text: example.text) == router.probabilities(text: example.text))
        }
        #expect(loaded.training?.target == .relative(0.98))
    }

    @Test func aHandMadeRouterWithoutTrainingSurvivesARoundTrip() throws {
        let router = try RouterFixtures.handMade()
        let text = String(decoding: router.jsonBytes(), as: UTF8.self)
        #expect(text.contains("\"training\": null"))
        #expect(text.contains("\"format\": \"tollgate-router/1\""))
        #expect(try LearnedRouter(json: router.jsonBytes()) == router)
    }

    /// The hand-made router's file with `old` replaced by `new` (which must occur).
    func damaged(_ old: String, _ new: String) throws -> [UInt8] {
        let text = String(decoding: try RouterFixtures.handMade().jsonBytes(), as: UTF8.self)
        try #require(text.contains(old), "\(old) not in \(text)")
        return Array(text.replacingOccurrences(of: old, with: new).utf8)
    }

    func code(_ bytes: [UInt8]) -> RouterFileError.Code? {
        do {
            _ = try LearnedRouter(json: bytes)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func bytesThatAreNotAJSONObjectAreNotJSON() {
        #expect(code(Array("not json".utf8)) == .notJSON)
        #expect(code(Array("{\"format\": ".utf8)) == .notJSON)
        #expect(code(Array("[1, 2]".utf8)) == .notJSON)
    }

    @Test func anotherFormatVersionIsRefused() throws {
        #expect(code(try damaged("tollgate-router/1", "tollgate-router/2")) == .wrongFormat)
    }

    @Test func missingFieldsAreNamed() throws {
        #expect(code(try damaged("\"threshold\": 0.6,", "")) == .missingField)
        #expect(code(try damaged("\"bias\":2.0,", "")) == .missingField)
        #expect(code(try damaged("\"training\": null", "\"other\": null")) == .missingField)
        let bytes = try damaged("\"bias\":2.0,", "")
        do {
            _ = try LearnedRouter(json: bytes)
            Issue.record("a file without a bias was accepted")
        } catch {
            #expect(error.field == "models[0].bias")
        }
    }

    @Test func mistypedFieldsAreInvalid() throws {
        #expect(code(try damaged("\"threshold\": 0.6", "\"threshold\": \"high\"")) == .invalidField)
        #expect(code(try damaged("\"bucket_bits\":10", "\"bucket_bits\":40")) == .invalidField)
        #expect(code(try damaged("\"accuracy\":0.9", "\"accuracy\":1.5")) == .invalidField)
        #expect(code(try damaged("\"hash\":\"fnv1a64\"", "\"hash\":\"md5\"")) == .invalidField)
    }

    @Test func weightsOutsideTheFeaturesOrOutOfOrderAreRefused() throws {
        // 2^10 buckets + 7 dense features = 1,031 features.
        #expect(code(try damaged("\"indices\":[3,1025]", "\"indices\":[3,1031]")) == .weightOutOfRange)
        #expect(code(try damaged("\"indices\":[3,1025]", "\"indices\":[-1,1025]")) == .weightOutOfRange)
        #expect(code(try damaged("\"indices\":[3,1025]", "\"indices\":[1025,3]")) == .weightOutOfRange)
        #expect(code(try damaged("\"indices\":[3,1025]", "\"indices\":[3]")) == .weightOutOfRange)
        #expect(code(try damaged("\"indices\":[3,1025]", "\"indices\":[3,1.5]")) == .weightOutOfRange)
    }

    @Test func aThresholdOutsideZeroToOneIsRefused() throws {
        #expect(code(try damaged("\"threshold\": 0.6", "\"threshold\": 1.5")) == .thresholdOutOfRange)
        #expect(code(try damaged("\"threshold\": 0.6", "\"threshold\": -0.1")) == .thresholdOutOfRange)
        #expect(throws: RouterFileError.self) { try RouterFixtures.handMade(threshold: .nan) }
    }

    @Test func aRouterWithoutModelsIsRefused() throws {
        let text = String(decoding: try RouterFixtures.handMade().jsonBytes(), as: UTF8.self)
        let start = try #require(text.range(of: "\"models\": [")).upperBound
        let end = try #require(text.range(of: "],\n  \"training\"")).lowerBound
        let empty = String(text[..<start]) + String(text[end...])
        #expect(code(Array(empty.utf8)) == .noModels)
    }

    @Test func aWeightChangedAfterTrainingBreaksTheFingerprint() throws {
        #expect(code(try damaged("\"weights\":[0.5,-0.25]", "\"weights\":[0.5,-0.26]")) == .fingerprintMismatch)
        // The threshold is not part of the fingerprint: it may be tuned without retraining.
        #expect(code(try damaged("\"threshold\": 0.6", "\"threshold\": 0.7")) == nil)
    }
}
