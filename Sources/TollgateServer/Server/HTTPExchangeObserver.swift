import Foundation
import NIOCore
import NIOHTTP1
import TollgateProviders

/// Sits right after NIO's HTTP/1 request decoder: reports request heads and ends and response ends to
/// the connection's ``ConnectionGuardHandler``, and shapes how a connection ends when a request cannot
/// be read to its end.
///
/// - An answer sent while the request body is still arriving (401, 413, …) carries `connection: close`;
///   once it is written the output side closes and the connection lingers briefly, so the caller reads
///   the answer instead of a reset, and the rest of the body is never waited for.
/// - A request the HTTP parser refuses before its head is complete gets a JSON error (400, or 501 for a
///   transfer coding other than `chunked`) instead of an empty body, and the connection closes.
final class HTTPExchangeObserver: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let guardHandler: ConnectionGuardHandler
    /// The response being written closes the connection when it ends.
    private var closeAfterResponse = false
    /// The connection's last response is out: anything written later is dropped.
    private var finished = false

    init(reportingTo guardHandler: ConnectionGuardHandler) {
        self.guardHandler = guardHandler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: guardHandler.headReceived()
        case .end: guardHandler.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard guardHandler.owesNoResponse, !finished else {
            // Mid-body: the handler reading the body sees the error and answers; the connection then closes.
            closeAfterResponse = true
            context.fireErrorCaught(error)
            return
        }
        let (status, message) = Self.refusal(parserError, head: guardHandler.headBytes)
        let body = ErrorBody.render(dialect: .openai, status: Int(status.code), message: message, code: Self.code(status))
        var headers = HTTPHeaders([("content-type", "application/json"), ("connection", "close")])
        headers.add(name: "content-length", value: String(body.utf8.count))
        finished = true
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(mode: .output, promise: nil)
        guardHandler.linger()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !finished else {
            promise?.succeed(())
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head) where closeAfterResponse || guardHandler.isReadingBody:
            closeAfterResponse = true
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            guardHandler.responseEnded()
            guard closeAfterResponse else { return context.write(data, promise: promise) }
            finished = true
            context.writeAndFlush(data, promise: promise)
            context.close(mode: .output, promise: nil)
            guardHandler.linger()
        default:
            context.write(data, promise: promise)
        }
    }

    /// The status and message for a request the parser refused: 501 for a transfer coding Tollgate does
    /// not implement (RFC 9112 §6.1), 400 otherwise.
    static func refusal(_ error: HTTPParserError, head: ByteBuffer?) -> (HTTPResponseStatus, String) {
        if error == .unknown, let head, let coding = unsupportedTransferCoding(in: head) {
            return (.notImplemented, "The transfer coding '\(coding)' is not supported; send a Content-Length or chunked body.")
        }
        switch error {
        case .invalidChunkSize:
            return (.badRequest, "The request body's chunked framing is invalid (a chunk size is not a hexadecimal number).")
        case .headerOverflow:
            return (.badRequest, "The request headers are too large.")
        case .invalidContentLength, .unexpectedContentLength:
            return (.badRequest, "The request's Content-Length is invalid.")
        default:
            return (.badRequest, "The request is not valid HTTP/1.1 (\(error)).")
        }
    }

    /// The last transfer coding named in `head`'s `Transfer-Encoding` headers when it is not `chunked`.
    static func unsupportedTransferCoding(in head: ByteBuffer) -> String? {
        let text = String(decoding: head.readableBytesView.prefix(16_384), as: UTF8.self)
        let headers = text.components(separatedBy: "\r\n\r\n").first ?? text
        var values: [String] = []
        for line in headers.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "transfer-encoding"
            else { continue }
            values.append(String(line[line.index(after: colon)...]))
        }
        return unsupportedTransferCoding(values: values)
    }

    /// The last transfer coding of `Transfer-Encoding` header values when it is not `chunked`.
    static func unsupportedTransferCoding(values: [String]) -> String? {
        let codings = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let last = codings.last(where: { !$0.isEmpty }), last != "chunked" else { return nil }
        return String(
            last.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "-") }.prefix(40).map(
                Character.init))
    }

    static func code(_ status: HTTPResponseStatus) -> String {
        status == .notImplemented ? "unsupported_transfer_encoding" : "invalid_http_request"
    }
}
