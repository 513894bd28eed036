import NIOCore
import Synchronization

/// How much of providers' answers may wait in memory for callers that read slower than providers write.
///
/// Every answer counts its bytes that arrived and were not yet taken by the task relaying them. Past
/// ``perAnswer`` bytes, or past ``lowWater`` while all answers together hold more than ``total``, its
/// connection stops reading from the provider, so TCP slows the provider down; reading resumes once the
/// relay has taken the answer below ``lowWater``. A caller that never reads therefore holds at most about
/// ``perAnswer`` bytes here (plus one socket read and the caller connection's own write buffer), and the
/// listener's `write_timeout` ends such a stream.
final class UpstreamBuffering: Sendable {
    /// The budget every provider connection of the process shares.
    static let shared = UpstreamBuffering()

    /// Bytes one answer may hold before its connection stops reading.
    let perAnswer: Int
    /// Bytes an answer is taken down to before its connection reads again.
    let lowWater: Int
    /// Bytes all answers together may hold before each one is held to ``lowWater``.
    let total: Int
    private let held = Atomic<Int>(0)

    /// A budget.
    /// - Parameters:
    ///   - perAnswer: Bytes one answer may hold (256 KiB by default).
    ///   - lowWater: Bytes an answer is read down to before reading resumes (64 KiB by default).
    ///   - total: Bytes all answers may hold together (64 MiB by default).
    init(perAnswer: Int = 256 << 10, lowWater: Int = 64 << 10, total: Int = 64 << 20) {
        self.perAnswer = perAnswer
        self.lowWater = lowWater
        self.total = total
    }

    /// Bytes held by all answers now.
    var heldBytes: Int { held.load(ordering: .relaxed) }

    /// An answer received `bytes`.
    func add(_ bytes: Int) {
        held.wrappingAdd(bytes, ordering: .relaxed)
    }

    /// An answer's `bytes` were taken, or let go with it.
    func remove(_ bytes: Int) {
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// Whether an answer holding `bytes` should stop reading from its provider.
    func shouldPause(holding bytes: Int) -> Bool {
        bytes >= perAnswer || (bytes >= lowWater && heldBytes >= total)
    }

    /// Whether a paused answer holding `bytes` may read again.
    func mayResume(holding bytes: Int) -> Bool {
        bytes < lowWater
    }
}

/// A provider's answer body as the relay reads it: every chunk taken is counted off its answer's
/// ``UpstreamBuffering`` share, which lets a paused connection read again.
struct UpstreamBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let exchange: UpstreamExchange

    /// Reads chunks and reports each one taken.
    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
        let exchange: UpstreamExchange

        mutating func next() async throws -> ByteBuffer? {
            let chunk = try await base.next()
            if let chunk { exchange.taken(chunk.readableBytes) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: exchange.body.makeAsyncIterator(), exchange: exchange)
    }
}
