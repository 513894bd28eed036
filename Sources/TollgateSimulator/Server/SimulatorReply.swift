import HTTPTypes
import Hummingbird
import TollgateProviders

/// What a simulator route answers, before it is written: status, headers and a body of compact JSON
/// or a rendered event stream.
///
/// ``response(style:)`` is the single place where the simulator writes bodies and events, so the JSON
/// style (``SimulationJSONStyle``) applies to every one of them.
struct SimulatorReply: Sendable {
    /// How a streamed reply is paced and cut, and which log record it completes.
    struct StreamPlan: Sendable {
        var fault: FaultKind?
        var perToken: Duration
        var log: SimulatorRequestLog
        var sequence: Int
    }

    enum Body: Sendable {
        /// A whole JSON body.
        case json(String)
        /// A server-sent-event stream, written event by event.
        case stream(SimulatedStream, StreamPlan)
        /// A JSON body whose full length is announced, of which half is sent before the connection is aborted.
        case truncatedJSON(String)
    }

    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Body

    /// The HTTP response, every JSON text and `data:` payload laid out in `style`.
    func response(style: SimulationJSONStyle) -> Response {
        var headers = headers
        switch body {
        case .json(let text):
            headers[.contentType] = "application/json"
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: style.apply(to: text))))
        case .truncatedJSON(let text):
            headers[.contentType] = "application/json"
            let bytes = Array(style.apply(to: text).utf8)
            return Response(
                status: status,
                headers: headers,
                body: ResponseBody(contentLength: bytes.count) { writer in
                    var half = ByteBuffer()
                    half.writeBytes(bytes[..<(bytes.count / 2)])
                    try await writer.write(half)
                    throw SimulatedDisconnect()
                }
            )
        case .stream(let stream, let plan):
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: status, headers: headers, body: Self.streamBody(stream, plan: plan, style: style))
        }
    }

    /// A stream body that writes (and flushes) event by event, honouring per-token latency and faults.
    static func streamBody(_ stream: SimulatedStream, plan: StreamPlan, style: SimulationJSONStyle) -> ResponseBody {
        ResponseBody { writer in
            func send(_ event: String) async throws {
                try await writer.write(ByteBuffer(string: style.apply(to: event)))
            }
            do {
                for event in stream.head {
                    try await send(event)
                }
                let cut = plan.fault == .disconnect || plan.fault == .streamError
                let limit = cut ? stream.cutTokenCount : stream.tokens.count
                for index in 0..<limit {
                    if index > 0, plan.perToken > .zero { try await Task.sleep(for: plan.perToken) }
                    try await send(stream.tokens[index])
                }
                if plan.fault == .disconnect { throw SimulatedDisconnect() }
                if plan.fault == .streamError {
                    try await send(stream.errorEvent)
                    try await writer.finish(nil)
                    return
                }
                for event in stream.tail {
                    try await send(event)
                }
                try await writer.finish(nil)
                plan.log.update(plan.sequence) { $0.completed = true }
            } catch {
                plan.log.update(plan.sequence) { $0.completed = false }
                throw error
            }
        }
    }
}
