public import NIOCore

/// Which of Tollgate's time-outs a client connection is under, as its HTTP exchanges progress.
///
/// A pure state machine: ``ConnectionGuardHandler`` feeds it what it sees (bytes, request heads and
/// ends, response ends) and closes the connection when ``deadline`` passes.
///
/// - While a request head is incomplete: the header time-out, from the connection's opening for the
///   first request, from the first byte of a later one on a keep-alive connection.
/// - From a request head to the end of its body: the body time-out.
/// - While a response is being produced: none (upstream time-outs bound it).
/// - Between requests: none here; Hummingbird's idle time-out closes the connection.
public struct ConnectionDeadlines: Sendable, Hashable {
    /// Where the connection is in its current exchange.
    public enum Phase: Sendable, Hashable {
        /// Waiting for a complete request head, whose first byte (or the connection) came at `since`.
        case head(since: NIODeadline)
        /// Reading the body of a request whose head came at `since`.
        case body(since: NIODeadline)
        /// The request is read; its response is not finished.
        case responding
        /// Between requests.
        case idle
    }

    /// Time allowed for a complete request head.
    public let headerTimeout: TimeAmount
    /// Time allowed for a whole request body, from its head.
    public let bodyTimeout: TimeAmount
    /// The current phase.
    public private(set) var phase: Phase
    /// Requests whose response has not ended.
    var pendingResponses = 0
    /// When bytes of a next (pipelined) request first arrived while a response was still being written.
    var nextHeadSince: NIODeadline?

    /// A connection opened at `openedAt`, waiting for its first request head.
    /// - Parameters:
    ///   - openedAt: When the connection was accepted.
    ///   - headerTimeout: Time allowed for a complete request head.
    ///   - bodyTimeout: Time allowed for a whole request body.
    public init(openedAt: NIODeadline, headerTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.phase = .head(since: openedAt)
    }

    /// When the connection must be closed unless the exchange moves on first; nil when none of these
    /// time-outs runs.
    public var deadline: NIODeadline? {
        switch phase {
        case .head(let since): since + headerTimeout
        case .body(let since): since + bodyTimeout
        case .responding, .idle: nil
        }
    }

    /// Whether no request head is being waited on past its first byte: between requests, or in a head.
    public var isReadingHead: Bool {
        switch phase {
        case .head, .idle: true
        case .body, .responding: false
        }
    }

    /// Whether a request's body is still arriving.
    public var isReadingBody: Bool {
        if case .body = phase { return true }
        return false
    }

    /// Bytes arrived from the client.
    public mutating func bytesReceived(at now: NIODeadline) {
        switch phase {
        case .idle: phase = .head(since: now)
        case .responding: if nextHeadSince == nil { nextHeadSince = now }
        case .head, .body: break
        }
    }

    /// A complete request head was decoded.
    public mutating func headReceived(at now: NIODeadline) {
        pendingResponses += 1
        nextHeadSince = nil
        phase = .body(since: now)
    }

    /// The request's body ended.
    public mutating func requestEnded() {
        guard case .body = phase else { return }
        phase = pendingResponses > 0 ? .responding : .idle
    }

    /// A response ended. While a body is still being read (an early answer such as 413), its time-out stands.
    public mutating func responseEnded() {
        pendingResponses = max(0, pendingResponses - 1)
        guard case .responding = phase, pendingResponses == 0 else { return }
        if let since = nextHeadSince {
            phase = .head(since: since)
            nextHeadSince = nil
        } else {
            phase = .idle
        }
    }
}
