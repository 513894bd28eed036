import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Options shared by the commands that talk to a running gateway's admin API.
struct AdminOptions: ParsableArguments {
    @Option(help: "The gateway's base URL (or TOLLGATE_URL).")
    var url: String = ProcessInfo.processInfo.environment["TOLLGATE_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "The admin key (or TOLLGATE_ADMIN_KEY).")
    var adminKey: String?

    @Option(help: "Who is making the change, for the audit trail (default: $USER).")
    var actor: String?

    @Flag(help: "Print the API's JSON.")
    var json = false

    /// The admin key given, by flag or environment.
    var key: String? { adminKey ?? ProcessInfo.processInfo.environment["TOLLGATE_ADMIN_KEY"] }

    func validate() throws {
        guard key != nil else { throw ValidationError("Set --admin-key or TOLLGATE_ADMIN_KEY.") }
    }

    /// Calls the admin API; throws the API's error message on failure.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> [String: Any] {
        guard let key else { throw CommandFailure("Set --admin-key or TOLLGATE_ADMIN_KEY.") }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + "/admin/v1" + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.headers.add(name: "x-tollgate-actor", value: actor ?? ProcessInfo.processInfo.environment["USER"] ?? "cli")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw CommandFailure("Cannot reach the gateway at \(base): \(error)")
        }
        let data = Data(bytes.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(Int(response.status.code)) else {
            let message = (object["error"] as? [String: Any])?["message"] as? String ?? String(decoding: data, as: UTF8.self)
            throw CommandFailure("\(response.status.code): \(message)")
        }
        if json, let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            print(String(decoding: pretty, as: UTF8.self))
        }
        return object
    }
}
