import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TollgateCore
import TollgateServer

@testable import TollgateCLI

/// The gateway's router under Hummingbird's `.router` test framework: the real application built by
/// `GatewayServer` (real configuration, real SQLite ledger), requests handed to the router without a
/// socket. For what a route answers; `GatewayHarness` stays the layer for the network and the upstream.
enum RouterHarness {
    /// The admin key the router tests configure.
    static let adminKey = "admin-router-0123456789"

    /// The test configuration: `GatewayHarness`'s, with an upstream nobody listens on and an admin key.
    static func configuration(ledgerPath: String, extra: String) -> String {
        let base = GatewayHarness.configurationTemplate.replacingOccurrences(of: "SIM_PORT", with: "9")
            .replacingOccurrences(of: "LEDGER", with: ledgerPath)
        return base + "\nadmin: {key: \(adminKey)}\n" + extra
    }

    /// Builds the gateway's application from the test configuration plus `extra`, runs `body` with a
    /// router test client, then shuts the gateway down.
    static func run(extra: String = "", _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let ledgerPath = try GatewayHarness.freshLedgerPath()
        let runtime = try ConfigurationLoader.load(
            text: configuration(ledgerPath: ledgerPath, extra: extra), origin: "router-test.yaml", environment: [:])
        var logger = Logger(label: "router-test")
        logger.logLevel = .critical
        let server = try await GatewayServer(runtime: runtime, logger: logger)
        do {
            try await server.application(logger: logger).test(.router) { client in try await body(client) }
        } catch {
            await server.gateway.shutdown()
            throw error
        }
        await server.gateway.shutdown()
    }
}

/// What a router test reads off a response.
struct RouterReply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    init(_ response: TestResponse) {
        status = response.status
        headers = response.headers
        text = String(buffer: response.body)
    }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// The `error` object of an error body, in either dialect.
    func error() throws -> [String: Any] {
        try #require(try object()["error"] as? [String: Any], "no error object: \(text)")
    }
}

extension TestClientProtocol {
    /// Sends one request to the router and returns what it answered.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: [HTTPField.Name: String] = [:]
    ) async throws -> RouterReply {
        var fields = HTTPFields()
        for (name, value) in headers { fields[name] = value }
        if json != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) }) {
            RouterReply($0)
        }
    }
}

extension HTTPField.Name {
    static let anthropicVersionHeader = HTTPField.Name("anthropic-version")!
    static let apiKeyHeader = HTTPField.Name("x-api-key")!
}
