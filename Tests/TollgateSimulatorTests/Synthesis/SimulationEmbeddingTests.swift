import Foundation
import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

@Suite struct SimulationEmbeddingTests {
    @Test(arguments: [
        ("\"abcdefgh\"", 1, Int64(2)),
        ("[\"abcd\",\"abcdefghi\"]", 2, Int64(4)),
        ("[1,2,3]", 1, Int64(3)),
        ("[[1,2],[3,4,5]]", 2, Int64(5)),
    ])
    func inputShapesAndTokens(input: String, count: Int, tokens: Int64) throws {
        let request = try SimulatedEmbeddingRequest.parse(json: Array("{\"model\":\"text-embedding-3-small\",\"input\":\(input)}".utf8))
        #expect(request.inputs.count == count)
        #expect(request.promptTokens == tokens)
    }

    @Test func vectorsAreDeterministicUnitLength() {
        let first = SimulatedEmbeddingRequest.vector(for: .text("hello"), dimensions: 64)
        #expect(first == SimulatedEmbeddingRequest.vector(for: .text("hello"), dimensions: 64))
        #expect(first != SimulatedEmbeddingRequest.vector(for: .text("hellp"), dimensions: 64))
        let norm = first.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-4)
    }

    @Test func base64IsLittleEndianFloat32() throws {
        let vector: [Float] = [1, -2.5, 0.25]
        let data = try #require(Data(base64Encoded: SimulatedEmbeddingRequest.base64(vector)))
        #expect(Array(data) == [0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0, 0, 0x80, 0x3e])
    }

    @Test func renderedListHonoursDimensionsAndFormat() throws {
        let request = try SimulatedEmbeddingRequest.parse(
            json: Array("{\"model\":\"m\",\"input\":[\"a\",\"b\"],\"dimensions\":8,\"encoding_format\":\"base64\"}".utf8)
        )
        let body = SimulationRenderer.embeddings(request, defaultDimensions: 16)
        #expect(body.hasPrefix("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\""))
        #expect(body.hasSuffix("],\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}"))
        let floats = try SimulatedEmbeddingRequest.parse(json: Array("{\"model\":\"m\",\"input\":\"a\"}".utf8))
        let parsed = try JSONSerialization.jsonObject(with: Data(SimulationRenderer.embeddings(floats, defaultDimensions: 5).utf8)) as? [String: Any]
        let data = try #require(parsed?["data"] as? [[String: Any]])
        #expect((data.first?["embedding"] as? [Double])?.count == 5)
    }

    @Test(arguments: [
        "{\"input\":\"a\"}", "{\"model\":\"m\"}", "{\"model\":\"m\",\"input\":[]}", "{\"model\":\"m\",\"input\":\"a\",\"dimensions\":0}",
        "{\"model\":\"m\",\"input\":\"a\",\"encoding_format\":\"hex\"}", "{\"model\":\"m\",\"input\":{}}",
    ])
    func badEmbeddingBodiesAreRejected(body: String) {
        #expect(throws: SimulationInputError.self) {
            _ = try SimulatedEmbeddingRequest.parse(json: Array(body.utf8))
        }
    }
}
