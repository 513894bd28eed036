import HTTPTypes
import Hummingbird
import TollgateCore
import TollgateProviders

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Thrown inside a response body writer to abort the connection on purpose (the `disconnect` fault).
struct SimulatedDisconnect: Error {}

/// A collected request body, or the response that refuses it.
enum SimulatorCollectedBody {
    case body(ByteBuffer)
    case rejected(SimulatorReply)
}

/// Per-request latency: configuration, overridden by `[[sim:ttft_ms=,token_ms=]]`, overridden by headers.
struct SimulatorLatency: Sendable {
    var timeToFirstToken: Duration
    var perToken: Duration

    init(request: Request, directives: SimulationDirectives, configuration: SimulatorConfiguration) {
        func milliseconds(_ name: HTTPField.Name, _ directive: Int?) -> Duration? {
            if let value = request.headers[name].flatMap({ Int($0) }), value >= 0 {
                return .milliseconds(value)
            }
            return directive.map { .milliseconds($0) }
        }
        timeToFirstToken =
            milliseconds(SimulatorHeader.ttftMilliseconds, directives.timeToFirstTokenMilliseconds) ?? configuration.timeToFirstToken
        perToken = milliseconds(SimulatorHeader.tokenMilliseconds, directives.perTokenMilliseconds) ?? configuration.perTokenLatency
    }
}

extension SimulatorResponder {
    /// Starts a log record for `request`.
    func newRecord(_ request: Request) -> SimulatorRequestRecord {
        SimulatorRequestRecord(
            receivedAt: Self.now(),
            requestID: request.headers[SimulatorHeader.tollgateRequestID],
            method: request.method.rawValue,
            path: request.uri.path,
            retryCount: request.headers[SimulatorHeader.stainlessRetryCount]
        )
    }

    /// Collects the request body, or answers 413 (logged) when it is larger than configured.
    ///
    /// The body is stored back into `request` (keeping the connection's inbound stream behind it),
    /// so ``stall(_:)`` can still notice the client closing the connection.
    func collectBody(_ request: inout Request, dialect: Dialect, record: inout SimulatorRequestRecord) async -> SimulatorCollectedBody {
        do {
            let buffer = try await request.collectBody(upTo: state.configuration.maximumBodyBytes)
            if request.headers[SimulatorHeader.recordBody] == "1" {
                // The bytes as received: never re-serialized (a test compares them with what it sent).
                record.body = String(decoding: buffer.readableBytesView, as: UTF8.self)
                record.bodyBase64 = Data(buffer.readableBytesView).base64EncodedString()
            }
            return .body(buffer)
        } catch {
            record.status = 413
            record.completed = true
            state.log.append(record)
            let limit = state.configuration.maximumBodyBytes
            return .rejected(Self.error(dialect, status: 413, message: "Request body exceeds the simulator's limit of \(limit) bytes."))
        }
    }

    /// Logs a rejected request and answers 400 in `dialect`.
    func badRequest(_ error: SimulationInputError, dialect: Dialect, record: SimulatorRequestRecord) -> SimulatorReply {
        var record = record
        record.status = 400
        record.completed = true
        state.log.append(record)
        return Self.error(dialect, status: 400, message: error.message, param: error.param)
    }

}
