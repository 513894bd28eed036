import Testing

@testable import TollgateCore

/// The one function from how a call ended to its entry's status, usage and error.
@Suite struct CallOutcomeTests {
    static let bounds = CallOutcome.Bounds(estimatedInputTokens: 100, outputBound: 50)
    static let reported = TokenUsage(inputUncached: 90, output: 40)

    @Test func anUnreachableProviderBillsNothing() {
        let result = CallOutcome.unreachable(label: "connect_failed").entryResult(Self.bounds)
        #expect(result == .init(status: .upstreamError, httpStatus: 502, usage: .zero, usageSource: .none, errorMessage: "upstream connect_failed"))
    }

    @Test func aTimeOutOrACutBodyBillsTheEstimatedInput() {
        let timedOut = CallOutcome.timedOut(label: "read_timeout").entryResult(Self.bounds)
        #expect(timedOut.httpStatus == 504 && timedOut.usageSource == .estimated && timedOut.usage == TokenUsage(inputUncached: 100))
        let cut = CallOutcome.bodyCut(label: "connection_closed").entryResult(Self.bounds)
        #expect(cut.httpStatus == 502 && cut.status == .upstreamError && cut.usage == TokenUsage(inputUncached: 100))
        #expect(cut.errorMessage == "upstream body: connection_closed")
    }

    @Test func aSuccessIsBilledWhatItReportedOrAnEstimateWithinItsBound() {
        let reported = CallOutcome.answered(status: 200, .init(usage: Self.reported)).entryResult(Self.bounds)
        #expect(reported == .init(status: .ok, httpStatus: 200, usage: Self.reported, usageSource: .reported))
        // 400 bytes of text is about 100 tokens, above the call's bound of 50.
        let estimated = CallOutcome.answered(status: 200, .init(usage: nil, generatedTextBytes: 400)).entryResult(Self.bounds)
        #expect(estimated.usage == TokenUsage(inputUncached: 100, output: 50) && estimated.usageSource == .estimated)
        #expect(estimated.errorMessage == "the provider's answer carried no usage")
        let garbled = CallOutcome.answered(status: 200, .init(usage: nil, generatedTextBytes: 8, readable: false)).entryResult(Self.bounds)
        #expect(garbled.errorMessage == "the provider's answer was not valid JSON")
        let embeddings = CallOutcome.Bounds(estimatedInputTokens: 10, hasOutput: false)
        #expect(
            CallOutcome.answered(status: 200, .init(usage: nil, generatedTextBytes: 400)).entryResult(embeddings).usage
                == TokenUsage(inputUncached: 10))
    }

    @Test func countingTokensIsNeverBilled() {
        let free = CallOutcome.Bounds(estimatedInputTokens: 100, billed: false)
        let result = CallOutcome.answered(status: 200, .init(usage: Self.reported)).entryResult(free)
        #expect(result == .init(status: .ok, httpStatus: 200, usage: .zero, usageSource: .none))
    }

    @Test func aProviderErrorIsBilledOnlyWhatItReported() {
        let bare = CallOutcome.answered(status: 429, .init(usage: nil)).entryResult(Self.bounds)
        #expect(bare == .init(status: .upstreamError, httpStatus: 429, usage: .zero, usageSource: .none, errorMessage: "provider answered 429"))
        let billed = CallOutcome.answered(status: 500, .init(usage: Self.reported)).entryResult(Self.bounds)
        #expect(billed.usage == Self.reported && billed.usageSource == .reported)
    }

    @Test func aStreamEndsByItsFirstCause() {
        func end(_ change: (inout CallOutcome.StreamEnd) -> Void) -> CallOutcome.EntryResult {
            var end = CallOutcome.StreamEnd(usage: Self.reported, estimated: false, completed: true)
            change(&end)
            return CallOutcome.streamed(end).entryResult(Self.bounds)
        }
        #expect(end { _ in } == .init(status: .ok, httpStatus: 200, usage: Self.reported, usageSource: .reported))
        let cut = end {
            $0.cutBy = "budget:b"
            $0.clientGone = true
        }
        #expect(cut.status == .cancelled && cut.governanceNote == "stream cut by budget:b" && cut.httpStatus == 499)
        #expect(cut.errorMessage == "the stream was ended by Tollgate: budget:b cannot cover more output")
        #expect(end { $0.clientGone = true }.errorMessage == "the client went away mid-stream")
        #expect(
            end { $0.providerError = "overloaded" }
                == .init(status: .upstreamError, httpStatus: 200, usage: Self.reported, usageSource: .reported, errorMessage: "overloaded"))
        #expect(end { $0.readError = "read_timeout" }.errorMessage == "the provider stream ended early (read_timeout)")
        let unfinished = end {
            $0.completed = false
            $0.estimated = true
        }
        #expect(unfinished.status == .cancelled && unfinished.usageSource == .estimated)
        #expect(unfinished.errorMessage == "the provider stream ended without its final event")
    }

    @Test func applyingAResultKeepsWhatGovernanceAlreadyNoted() {
        var entry = LedgerEntry(
            id: "e", timestampMs: 0, route: "chat.completions", provider: "p", requestedModel: "m", servedModel: "m", stream: true,
            status: .upstreamError, httpStatus: 502, attribution: Attribution(keyID: "k"), governance: "max_tokens=64 added")
        var end = CallOutcome.StreamEnd(usage: Self.reported, estimated: false, completed: true)
        end.cutBy = "agent limit"
        entry.apply(CallOutcome.streamed(end).entryResult(Self.bounds))
        #expect(entry.governance == "max_tokens=64 added; stream cut by agent limit")
        #expect(entry.status == .cancelled && entry.usage == Self.reported)
    }
}
