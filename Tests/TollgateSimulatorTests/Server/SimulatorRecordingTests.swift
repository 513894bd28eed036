import Foundation
import Testing
import TollgateSimulator
import TollgateTestKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif

@Suite struct SimulatorRecordingTests {
    @Test func requestsAreRecordedWithBodiesOnRequest() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("abcd", extra: ",\"stream\":true")
            _ = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: body,
                headers: [("x-tollgate-request-id", "rec-1"), ("x-sim-record-body", "1"), ("x-stainless-retry-count", "0")]
            )
            _ = try await sim.send(.post, "/v1/messages", json: SimulatorBodies.messages("x"), headers: [("x-sim-fault", "rate_limit")])

            let all = try await sim.recordedRequests()
            #expect(all.count == 2)
            let first = try #require(all.first)
            #expect(first["request_id"] as? String == "rec-1")
            #expect(first["path"] as? String == "/v1/chat/completions")
            #expect(first["model"] as? String == "gpt-4o-mini")
            #expect(first["stream"] as? Bool == true)
            #expect(first["fault"] is NSNull)
            #expect(first["input_tokens"] as? Int == 4)
            #expect(first["completed"] as? Bool == true)
            #expect(first["status"] as? Int == 200)
            #expect(first["retry_count"] as? String == "0")
            #expect(first["body"] as? String == body)
            let second = try #require(all.last)
            #expect(second["fault"] as? String == "rate_limit")
            #expect(second["status"] as? Int == 429)
            #expect(second["body"] is NSNull)

            #expect(try await sim.recordedRequests(requestID: "rec-1").count == 1)
            #expect(try await sim.send(.delete, "/_sim/requests").status == 200)
            #expect(try await sim.recordedRequests().isEmpty)
        }
    }

    @Test func recordedBodiesAreTheExactBytesReceived() async throws {
        try await SimulatorHarness.run { sim in
            // Given: odd whitespace, a decomposed é, an escaped é, a repeated key and unusual key order.
            let body = "{ \"messages\" :[{\"content\":\"cafe\u{301} \\u00e9\",\t\"role\":\"user\"}],\n\"model\":\"first\",\"model\":\"last\" }"
            let sent = Array(body.utf8)
            // When
            let response = try await sim.send(.post, "/v1/chat/completions", json: body, headers: [("x-sim-record-body", "1")])
            // Then: the last "model" wins, and the log holds the body byte for byte.
            #expect(response.status == 200)
            #expect(try response.object()["model"] as? String == "last")
            let record = try #require(try await sim.recordedRequests().last)
            #expect(record["model"] as? String == "last")
            let text = try #require(record["body"] as? String)
            #expect(Array(text.utf8) == sent)
            let base64 = try #require(record["body_base64"] as? String)
            #expect(Data(base64Encoded: base64).map(Array.init) == sent)

            // The spaced layout escapes the text differently, but it decodes to the same bytes.
            let spaced = try await sim.send(.get, "/_sim/requests", headers: [("x-sim-json-style", "spaced")])
            #expect(spaced.body.contains("\"body\": \"{ \\\"messages\\\" :"))
            let spacedRecord = try #require((try spaced.object()["requests"] as? [[String: Any]])?.last)
            #expect((spacedRecord["body"] as? String).map { Array($0.utf8) } == sent)
        }
    }

    @Test func embeddingsDecodeFromBase64AndFloats() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(embeddingDimensions: 12)) { sim in
            let base64 = try await sim.send(
                .post,
                "/v1/embeddings",
                json: "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello\",\"world\"],\"encoding_format\":\"base64\",\"dimensions\":8}"
            )
            #expect(base64.status == 200)
            let object = try base64.object()
            #expect(object["object"] as? String == "list")
            #expect(object["model"] as? String == "text-embedding-3-small")
            #expect((object["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 4)
            let data = try #require(object["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == [0, 1])
            let encoded = try #require(data.first?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: encoded))
            #expect(bytes.count == 8 * 4)
            var norm: Float = 0
            for offset in stride(from: 0, to: bytes.count, by: 4) {
                var bits = UInt32(bytes[offset])
                bits |= UInt32(bytes[offset + 1]) << 8
                bits |= UInt32(bytes[offset + 2]) << 16
                bits |= UInt32(bytes[offset + 3]) << 24
                let value = Float(bitPattern: bits)
                norm += value * value
            }
            #expect(abs(norm - 1) < 1e-3)

            let plain = try await sim.send(.post, "/v1/embeddings", json: "{\"model\":\"e\",\"input\":[[1,2,3]]}")
            let vector = try #require((try plain.object()["data"] as? [[String: Any]])?.first?["embedding"] as? [Double])
            #expect(vector.count == 12)
            #expect((try plain.object()["usage"] as? [String: Any])?["total_tokens"] as? Int == 3)
        }
    }
}
