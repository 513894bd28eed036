public import Hummingbird
import Logging
import NIOCore
public import TollgateCore
import TollgateProviders

extension Router {
    /// Adds `POST /v1/outcomes`: outcomes reported by applications, authenticated with the caller keys.
    ///
    /// Body: one outcome object or `{"outcomes": [...]}`. The batch is validated whole before anything is
    /// recorded: any invalid item is a 400 naming its path (`outcomes[2].quality`) and nothing is applied; an
    /// id already recorded with different fields is a 409 and nothing is applied. Success is 200 with
    /// `{"object":"outcome.batch","received":N,"accepted":A,"duplicates":D}`.
    public func addOutcomeRoute(gateway: Gateway, recorder: any OutcomeRecorder) {
        post("/v1/outcomes") { request, _ -> Response in
            try await gateway.handleOutcomes(request, recorder: recorder)
        }
    }
}

extension Gateway {
    func handleOutcomes(_ request: Request, recorder: any OutcomeRecorder) async throws -> Response {
        var request = request
        do {
            _ = try authenticate(request.headers, dialect: .openai)
        } catch {
            await Self.discard(&request)
            throw error
        }
        guard Self.isJSON(request.headers[.contentType]) else {
            await Self.discard(&request)
            throw GatewayError(
                dialect: .openai, RequestError(.unsupportedMediaType, "Content-Type must be application/json."))
        }
        let limit = runtime.configuration.server.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await Self.collect(&request, limit: limit)
        } catch {
            throw GatewayError(dialect: .openai, error)
        }
        let outcomes: [Outcome]
        do {
            outcomes = try Outcome.parseSubmission([UInt8](body.readableBytesView), receivedAtMs: clock.nowMs())
        } catch {
            throw GatewayError(
                dialect: .openai,
                RequestError(
                    .invalidOutcome, "Invalid outcome: \(error.description). Nothing was recorded.",
                    param: error.location.isEmpty ? nil : error.location),
                shouldRetry: false)
        }
        var seen: [String: Outcome] = [:]
        for (index, outcome) in outcomes.enumerated() {
            if let earlier = seen[outcome.id], !earlier.differingFields(from: outcome).isEmpty {
                throw GatewayError(
                    dialect: .openai,
                    RequestError(
                        .invalidOutcome,
                        "Invalid outcome: outcomes[\(index)].id: '\(outcome.id)' appears earlier in the batch with a different "
                            + "\(earlier.differingFields(from: outcome).joined(separator: ", ")). Nothing was recorded.",
                        param: "outcomes[\(index)].id"),
                    shouldRetry: false)
            }
            seen[outcome.id] = seen[outcome.id] ?? outcome
        }
        let result: OutcomeRecordResult
        do {
            result = try await recorder.record(outcomes: outcomes)
        } catch let conflict as OutcomeConflict {
            throw GatewayError(
                dialect: .openai, RequestError(.outcomeConflict, conflict.description, param: "id"), shouldRetry: false)
        } catch {
            logger.error("recording outcomes failed", metadata: ["error": "\(error)"])
            throw GatewayError(
                dialect: .openai, RequestError(.ledgerUnavailable, "The ledger is unavailable; no outcome was recorded."),
                retryAfter: 1)
        }
        let text = "{\"object\":\"outcome.batch\",\"received\":\(outcomes.count),\"accepted\":\(result.accepted),\"duplicates\":\(result.duplicates)}"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
