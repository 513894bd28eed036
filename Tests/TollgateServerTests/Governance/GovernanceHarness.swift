import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TollgateCore
import TollgateStore

/// Fires many requests at once over enough connections that they really are simultaneous.
enum Burst {
    struct Result: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String

        func object() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        }

        /// The OpenAI-style error code, if any.
        var errorCode: String? {
            ((try? object())?["error"] as? [String: Any])?["code"] as? String
        }
    }

    static func send(
        port: Int, count: Int, path: String = "/v1/chat/completions", key: String = "sk-test-key",
        body: @escaping @Sendable (Int) -> String, headers: @escaping @Sendable (Int) -> [(String, String)] = { _ in [] }
    ) async throws -> [Result] {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, count)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let results = try await withThrowingTaskGroup(of: Result.self) { group in
                for i in 0..<count {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                        request.method = .POST
                        request.headers.add(name: "authorization", value: "Bearer \(key)")
                        request.headers.add(name: "content-type", value: "application/json")
                        for (name, value) in headers(i) { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(string: body(i)))
                        let response = try await client.execute(request, timeout: .seconds(60))
                        let bytes = try await response.body.collect(upTo: 1 << 22)
                        var fields: [String: String] = [:]
                        for header in response.headers { fields[header.name.lowercased()] = header.value }
                        return Result(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
                    }
                }
                var all: [Result] = []
                for try await result in group { all.append(result) }
                return all
            }
            try await client.shutdown()
            return results
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

extension GatewayHarness {
    /// Every entry of the ledger once the journal has settled, expecting at least `count` of them.
    func settledEntries(count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [LedgerEntry] {
        try await journal.settle(sourceLocation: sourceLocation)
        let entries = try await database.latestEntries(limit: 100_000)
        #expect(entries.count >= count, "the ledger holds \(entries.count) entries, not \(count)", sourceLocation: sourceLocation)
        return entries
    }
}

/// gpt-4o priced at round numbers for these tests: $10 per 1M input tokens (10,000 nano-USD a token),
/// $20 per 1M output tokens (20,000 nano-USD a token).
let roundPrices = """
    pricing:
      prices:
        - {model: gpt-4o, input: "10", output: "20"}
    """
