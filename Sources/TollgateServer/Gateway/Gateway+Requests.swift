import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TollgateCore
import TollgateProviders

/// Reading request bodies, and the identifiers and clock the pipeline stamps on entries.
extension Gateway {
    /// Whether a Content-Type names JSON (`application/json` or `application/*+json`), parameters ignored.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        var media = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        while let last = media.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { media = media.dropLast() }
        while let first = media.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { media = media.dropFirst() }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
        let lowered = media.map(lower)
        if lowered.elementsEqual("application/json".utf8) { return true }
        return lowered.starts(with: "application/".utf8) && lowered.reversed().starts(with: "+json".utf8.reversed())
    }

    /// Reads a request body of at most `limit` bytes. One that declares more is refused from its
    /// `Content-Length` before any of it is read; one that is not valid HTTP framing is a 400.
    static func collect(_ request: inout Request, limit: Int) async throws(RequestError) -> ByteBuffer {
        let tooLarge = RequestError(.requestTooLarge, "The request body exceeds the limit of \(limit) bytes.")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        var buffer = ByteBuffer()
        var iterator = request.body.makeAsyncIterator()
        do {
            while let chunk = try await iterator.next() {
                if buffer.readableBytes + chunk.readableBytes > limit { throw tooLarge }
                var chunk = chunk
                buffer.writeBuffer(&chunk)
            }
        } catch let error as RequestError {
            throw error
        } catch {
            if let coding = HTTPExchangeObserver.unsupportedTransferCoding(values: request.headers[values: .transferEncoding]) {
                throw RequestError(
                    .unsupportedTransferEncoding, "The transfer coding '\(coding)' is not supported; send a Content-Length or chunked body.")
            }
            throw RequestError(.invalidHTTPRequest, "The request body could not be read: its HTTP framing is invalid.")
        }
        return buffer
    }

    /// The most body an early answer reads and drops to keep its connection: a larger one is not waited
    /// for, and its connection closes after the answer.
    static let discardLimit = 1 << 20

    /// Reads and drops the rest of a small request body so the connection stays usable; a body declared
    /// (or found) larger than ``discardLimit`` is left unread.
    static func discard(_ request: inout Request) async {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > discardLimit { return }
        var iterator = request.body.makeAsyncIterator()
        var read = 0
        while let chunk = try? await iterator.next() {
            read += chunk.readableBytes
            if read > discardLimit { return }
        }
    }
}

/// Request ids: `tg_`, 16 hex digits drawn at random when the process starts, and 8 hex digits of
/// a counter: unique within the process by construction, and across processes by chance of 2⁻⁶⁴.
enum RequestIdentifier {
    private static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return "tg_" + hex(generator.next() as UInt64, 16)
    }()
    private static let counter = Atomic<UInt64>(0)

    static func make() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + hex(n & 0xFFFF_FFFF, 8)
    }

    private static func hex(_ value: UInt64, _ digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: digits - s.count) + s
    }
}
