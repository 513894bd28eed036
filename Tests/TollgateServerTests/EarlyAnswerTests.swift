import Foundation
import Testing
import TollgateTestKit

@testable import TollgateServer

/// Answers that do not wait for the body: a request refused on its headers gets its answer at once and
/// its connection closes, however much body it declares; framing the parser refuses gets a JSON error.
@Suite struct EarlyAnswerTests {
    static let json = "Content-Type: application/json\r\n"
    /// Time-outs longer than any test: an answer that comes, comes from the early answer.
    static let patient = "{header_timeout: 120s, body_timeout: 120s, idle_timeout: 120s}"
    static let auth = "Authorization: Bearer \(ListenerHarness.key)\r\n"

    /// Sends `request` on a fresh connection and returns what came back before the gateway closed it.
    static func exchange(_ gateway: ListenerHarness, _ request: String) async throws -> String {
        let connection = try await RawConnection.connect(port: gateway.port)
        // The gateway may answer and close before a loaded machine has written all of the request.
        try? await connection.send(request)
        let closed = await connection.closed(within: .seconds(10))
        await connection.close()
        #expect(closed, "the gateway kept the connection open: \(connection.text.prefix(200))")
        return connection.text
    }

    static func post(_ headers: String, body: String = "{\"model\":") -> String {
        "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n" + headers + "\r\n" + body
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedFromItsContentLengthAtOnce() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let text = try await Self.exchange(gateway, Self.post(Self.auth + Self.json + "Content-Length: 1000000000000\r\n"))
            #expect(text.hasPrefix("HTTP/1.1 413"))
            #expect(text.lowercased().contains("connection: close"))
            // 9 of 10^12 declared bytes were sent: the answer could not have waited for the body.
            #expect(text.contains(#""code":"request_too_large""#))
        }
    }

    @Test func anUnauthenticatedHugeBodyGets401AtOnce() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let text = try await Self.exchange(gateway, Self.post(Self.json + "Content-Length: 1000000000000\r\n"))
            #expect(text.hasPrefix("HTTP/1.1 401"))
            #expect(text.contains(#""code":"invalid_api_key""#))
        }
    }

    @Test func anUnknownTransferCodingIs501() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let text = try await Self.exchange(
                gateway, Self.post(Self.auth + Self.json + "Transfer-Encoding: xchunked\r\n", body: "5\r\nhello\r\n0\r\n\r\n"))
            #expect(text.hasPrefix("HTTP/1.1 501"), "\(text.prefix(80))")
            #expect(text.contains(#""code":"unsupported_transfer_encoding""#))
        }
    }

    @Test func aBadChunkSizeIs400WithAJSONBody() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let text = try await Self.exchange(
                gateway, Self.post(Self.auth + Self.json + "Transfer-Encoding: chunked\r\n", body: "zz\r\nhello\r\n0\r\n\r\n"))
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(80))")
            #expect(text.contains(#""code":"invalid_http_request""#))
        }
    }

    @Test func aRequestTheParserRefusesGetsAJSONError() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let text = try await Self.exchange(gateway, "GARBAGE\u{01} / HTTP/9\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(80))")
            let body = try #require(text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) })
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            #expect((object?["error"] as? [String: Any])?["code"] as? String == "invalid_http_request")
        }
    }

    @Test func aSmallRefusedRequestKeepsItsConnection() async throws {
        try await ListenerHarness.run(server: Self.patient) { gateway in
            let body = #"{"model":"gpt-4o-mini","messages":[]}"#
            let request = Self.post(Self.json + "Content-Length: \(body.utf8.count)\r\n", body: body)
            let connection = try await RawConnection.connect(port: gateway.port)
            try await connection.send(request)
            #expect(await connection.received(within: .seconds(10)) { $0.text.contains("invalid_api_key") })
            try await connection.send(request)
            #expect(await connection.received(within: .seconds(10)) { $0.text.components(separatedBy: "HTTP/1.1 401").count == 3 })
            #expect(connection.isOpen)
            await connection.close()
        }
    }
}
