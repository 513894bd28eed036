import Synchronization
import TollgateCore
import TollgateProviders

/// One request the simulator received, as listed by `GET /_sim/requests`.
struct SimulatorRequestRecord: Sendable {
    /// Position in arrival order, from 1.
    var sequence: Int = 0
    /// Arrival time, Unix seconds.
    var receivedAt: Double
    /// The `x-tollgate-request-id` header, if any.
    var requestID: String?
    /// The HTTP method.
    var method: String
    /// The request path (no query).
    var path: String
    /// The requested model, when the body could be parsed.
    var model: String?
    /// Whether a stream was requested.
    var stream: Bool = false
    /// The injected fault, if any.
    var fault: FaultKind?
    /// Estimated input tokens of the prompt (cached parts included).
    var inputTokens: Int64?
    /// Output tokens of the simulated answer.
    var outputTokens: Int64?
    /// Cache reads reported.
    var cacheReadTokens: Int64?
    /// Cache writes reported.
    var cacheWriteTokens: Int64?
    /// The `x-stainless-retry-count` header (the official SDKs' attempt number), if any.
    var retryCount: String?
    /// The response status (0 while a stalled request is still open).
    var status: Int = 0
    /// Whether the simulator finished writing the whole response it meant to send.
    var completed: Bool = false
    /// The raw request body as UTF-8 text (invalid bytes replaced), kept only when `x-sim-record-body: 1` was sent.
    var body: String?
    /// The raw request body's exact bytes in base64, kept with ``body``.
    var bodyBase64: String?
    /// The `sample_id` of the recording replayed, if the answer was replayed.
    var recordedSampleID: String?
    /// The replayed answer's `x-sim-recorded-correct` value (`1`, `0` or `unlabelled`).
    var recordedCorrect: String?
}

/// The bounded log of received requests behind `GET /_sim/requests` (oldest entries dropped first).
final class SimulatorRequestLog: Sendable {
    private struct State {
        var records: [SimulatorRequestRecord] = []
        /// Index in `records` of the oldest entry once the ring is full.
        var start = 0
        var nextSequence = 1
    }

    private let capacity: Int
    private let state: Mutex<State>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State())
    }

    /// Appends a record and returns its sequence number.
    @discardableResult
    func append(_ record: SimulatorRequestRecord) -> Int {
        state.withLock { state in
            var record = record
            record.sequence = state.nextSequence
            state.nextSequence += 1
            if state.records.count < capacity {
                state.records.append(record)
            } else {
                state.records[state.start] = record
                state.start = (state.start + 1) % capacity
            }
            return record.sequence
        }
    }

    /// Updates the record with `sequence`, if it is still kept.
    func update(_ sequence: Int, _ change: (inout SimulatorRequestRecord) -> Void) {
        state.withLock { state in
            let count = state.records.count
            guard count > 0 else { return }
            // Sequences are contiguous; the oldest kept one sits at `start`.
            let offset = sequence - state.records[state.start].sequence
            guard offset >= 0, offset < count else { return }
            let index = (state.start + offset) % count
            guard state.records[index].sequence == sequence else { return }
            change(&state.records[index])
        }
    }

    /// The kept records in arrival order, optionally only those with `requestID`.
    func records(requestID: String? = nil) -> [SimulatorRequestRecord] {
        state.withLock { state in
            var result: [SimulatorRequestRecord] = []
            result.reserveCapacity(requestID == nil ? state.records.count : 4)
            let count = state.records.count
            for offset in 0..<count {
                let record = state.records[(state.start + offset) % count]
                if let requestID, record.requestID != requestID { continue }
                result.append(record)
            }
            return result
        }
    }

    /// Forgets every record (sequence numbers keep counting).
    func removeAll() {
        state.withLock { state in
            state.records.removeAll(keepingCapacity: false)
            state.start = 0
        }
    }
}

extension SimulatorRequestRecord {
    /// The record as a JSON object.
    var json: String {
        var out = "{\"sequence\":\(sequence),\"received_at\":\(receivedAt),\"request_id\":\(requestID.map(JSONText.quote) ?? "null")"
        out += ",\"method\":\(JSONText.quote(method)),\"path\":\(JSONText.quote(path)),\"model\":\(model.map(JSONText.quote) ?? "null")"
        out += ",\"stream\":\(stream),\"fault\":\(fault.map { JSONText.quote($0.rawValue) } ?? "null")"
        out += ",\"input_tokens\":\(inputTokens.map(String.init) ?? "null"),\"output_tokens\":\(outputTokens.map(String.init) ?? "null")"
        out += ",\"cache_read_tokens\":\(cacheReadTokens.map(String.init) ?? "null")"
        out += ",\"cache_write_tokens\":\(cacheWriteTokens.map(String.init) ?? "null")"
        out += ",\"retry_count\":\(retryCount.map(JSONText.quote) ?? "null"),\"status\":\(status),\"completed\":\(completed)"
        out += ",\"body\":\(body.map(JSONText.quote) ?? "null"),\"body_base64\":\(bodyBase64.map(JSONText.quote) ?? "null")"
        out += ",\"recorded_sample_id\":\(recordedSampleID.map(JSONText.quote) ?? "null")"
        out += ",\"recorded_correct\":\(recordedCorrect.map(JSONText.quote) ?? "null")}"
        return out
    }
}
