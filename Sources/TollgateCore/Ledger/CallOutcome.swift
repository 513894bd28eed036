/// How one upstream call ended, in the terms that decide its ledger entry.
///
/// ``entryResult(_:)`` is the one place that turns an ending into the entry's status, HTTP status,
/// usage, usage source and error: every path of the pipeline (an unreachable provider, a time-out, a
/// cut body, an answer, a stream however it ended) goes through it.
public enum CallOutcome: Sendable, Hashable {
    /// The provider could not be reached, or failed before it could have billed (e.g. `connect_failed`).
    case unreachable(label: String)
    /// The provider received the call but did not answer in time: it may have generated and billed.
    case timedOut(label: String)
    /// The answer's head arrived but its body was cut off (or was too large).
    case bodyCut(label: String)
    /// A complete, non-streamed answer with its HTTP status.
    case answered(status: Int, Answer)
    /// A streamed answer, however it ended.
    case streamed(StreamEnd)

    /// What a complete answer reported.
    public struct Answer: Sendable, Hashable {
        /// The usage the provider reported, when it reported a well-formed one.
        public var usage: TokenUsage?
        /// UTF-8 bytes of generated output, for an estimate when no usage was reported.
        public var generatedTextBytes: Int
        /// Whether the body was valid JSON.
        public var readable: Bool

        /// Creates an answer.
        public init(usage: TokenUsage?, generatedTextBytes: Int = 0, readable: Bool = true) {
            self.usage = usage
            self.generatedTextBytes = generatedTextBytes
            self.readable = readable
        }
    }

    /// How a stream ended, as its relay saw it.
    public struct StreamEnd: Sendable, Hashable {
        /// The HTTP status the provider answered the stream with (a success).
        public var status: Int
        /// The usage metered (reported, or estimated from the streamed text).
        public var usage: TokenUsage
        /// Whether ``usage`` is an estimate.
        public var estimated: Bool
        /// The rule that made Tollgate end the stream (`budget:NAME`, `agent limit`).
        public var cutBy: String?
        /// Whether the caller went away mid-stream.
        public var clientGone: Bool
        /// The error the provider sent in the stream.
        public var providerError: String?
        /// Why reading the provider's stream failed (a time-out or a closed connection).
        public var readError: String?
        /// Whether the provider sent its final event.
        public var completed: Bool

        /// Creates a stream ending.
        public init(
            status: Int = 200, usage: TokenUsage, estimated: Bool, cutBy: String? = nil, clientGone: Bool = false, providerError: String? = nil,
            readError: String? = nil, completed: Bool
        ) {
            self.status = status
            self.usage = usage
            self.estimated = estimated
            self.cutBy = cutBy
            self.clientGone = clientGone
            self.providerError = providerError
            self.readError = readError
            self.completed = completed
        }
    }

    /// What the call's ending makes of its entry.
    public struct EntryResult: Sendable, Hashable {
        /// What happened.
        public var status: LedgerEntry.Status
        /// The HTTP status the caller got.
        public var httpStatus: Int
        /// The usage billed.
        public var usage: TokenUsage
        /// Where the usage came from.
        public var usageSource: LedgerEntry.UsageSource
        /// What went wrong, when anything did.
        public var errorMessage: String?
        /// What governance did to the call on its way, appended to the entry's governance note.
        public var governanceNote: String?
    }

    /// What the call's request tells about its usage when the provider reports none.
    public struct Bounds: Sendable, Hashable {
        /// Input tokens estimated from the prompt.
        public var estimatedInputTokens: Int64
        /// The most output the call may generate (its cap times its choices), when it carries a cap.
        public var outputBound: Int64?
        /// Whether the route produces output (embeddings do not).
        public var hasOutput: Bool
        /// Whether the route is billed (counting tokens is not).
        public var billed: Bool

        /// Creates bounds.
        public init(estimatedInputTokens: Int64, outputBound: Int64? = nil, hasOutput: Bool = true, billed: Bool = true) {
            self.estimatedInputTokens = estimatedInputTokens
            self.outputBound = outputBound
            self.hasOutput = hasOutput
            self.billed = billed
        }
    }

    /// The entry's status, usage and error for this ending.
    ///
    /// - A provider that may have billed (a time-out, a cut body) is billed the prompt's estimated input.
    /// - A success without usage is billed an estimate (input from the prompt, output from the generated
    ///   text within the call's output bound), never zero.
    /// - A provider error is billed what it reported, if anything.
    /// - A stream is ended by its first cause: Tollgate's cut, the caller leaving, the provider's error,
    ///   a failed read, a missing final event.
    public func entryResult(_ bounds: Bounds) -> EntryResult {
        let estimatedInput = TokenUsage(inputUncached: bounds.estimatedInputTokens)
        switch self {
        case .unreachable(let label):
            return EntryResult(status: .upstreamError, httpStatus: 502, usage: .zero, usageSource: .none, errorMessage: "upstream \(label)")
        case .timedOut(let label):
            return EntryResult(
                status: .upstreamError, httpStatus: 504, usage: estimatedInput, usageSource: .estimated, errorMessage: "upstream \(label)")
        case .bodyCut(let label):
            return EntryResult(
                status: .upstreamError, httpStatus: 502, usage: estimatedInput, usageSource: .estimated, errorMessage: "upstream body: \(label)")
        case .answered(let status, let answer):
            return Self.answered(status: status, answer, bounds)
        case .streamed(let end):
            return Self.streamed(end)
        }
    }

    static func answered(status: Int, _ answer: Answer, _ bounds: Bounds) -> EntryResult {
        guard (200..<300).contains(status) else {
            let reported = answer.usage
            return EntryResult(
                status: .upstreamError, httpStatus: status, usage: reported ?? .zero, usageSource: reported == nil ? .none : .reported,
                errorMessage: "provider answered \(status)")
        }
        guard bounds.billed else { return EntryResult(status: .ok, httpStatus: status, usage: .zero, usageSource: .none) }
        if let usage = answer.usage { return EntryResult(status: .ok, httpStatus: status, usage: usage, usageSource: .reported) }
        var output = bounds.hasOutput ? TokenEstimator.tokens(byteCount: answer.generatedTextBytes) : 0
        if let bound = bounds.outputBound { output = min(output, bound) }
        return EntryResult(
            status: .ok, httpStatus: status, usage: TokenUsage(inputUncached: bounds.estimatedInputTokens, output: output),
            usageSource: .estimated,
            errorMessage: answer.readable ? "the provider's answer carried no usage" : "the provider's answer was not valid JSON")
    }

    static func streamed(_ end: StreamEnd) -> EntryResult {
        var result = EntryResult(
            status: .ok, httpStatus: end.clientGone ? 499 : end.status, usage: end.usage, usageSource: end.estimated ? .estimated : .reported)
        if let cutBy = end.cutBy {
            result.status = .cancelled
            result.errorMessage = "the stream was ended by Tollgate: \(cutBy) cannot cover more output"
            result.governanceNote = "stream cut by \(cutBy)"
        } else if end.clientGone {
            result.status = .cancelled
            result.errorMessage = "the client went away mid-stream"
        } else if let error = end.providerError {
            result.status = .upstreamError
            result.errorMessage = error
        } else if let readError = end.readError {
            result.status = .cancelled
            result.errorMessage = "the provider stream ended early (\(readError))"
        } else if !end.completed {
            result.status = .cancelled
            result.errorMessage = "the provider stream ended without its final event"
        }
        return result
    }
}

extension LedgerEntry {
    /// Fills the entry's status, HTTP status, usage, usage source and error from how its call ended,
    /// and appends what governance did to the stream to its governance note.
    public mutating func apply(_ result: CallOutcome.EntryResult) {
        status = result.status
        httpStatus = result.httpStatus
        usage = result.usage
        usageSource = result.usageSource
        errorMessage = result.errorMessage
        if let note = result.governanceNote { governance = [governance, note].compactMap { $0 }.joined(separator: "; ") }
    }
}
