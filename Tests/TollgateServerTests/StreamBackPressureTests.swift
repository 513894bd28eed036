import Foundation
import Testing
import TollgateCore
import TollgateStore
import TollgateTestKit

@testable import TollgateServer

/// A caller that stops reading a stream slows the provider down instead of filling the gateway's
/// memory, and one that stays stalled past `write_timeout` is cut off, with its entry recorded.
@Suite(.serialized) struct StreamBackPressureTests {
    /// Events of 64 KiB of text each: few writes for the provider, many bytes for the sockets.
    static let eventCount = 200
    static let piece = String(repeating: "lorem ipsum ", count: 64 * 1024 / 12)

    /// A 13 MB chat stream, written as fast as the provider's socket takes it.
    static func script(_: Int, _: Int) -> [ScriptedUpstream.Step] {
        var events: [String] = []
        events.reserveCapacity(eventCount + 2)
        for i in 0..<eventCount {
            events.append(
                #"data: {"id":"c\#(i)","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\#(piece)"},"finish_reason":null}]}"#
                    + "\n\n")
        }
        events.append(
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#
                + "\n\n")
        events.append("data: [DONE]\n\n")
        return ProviderQuirksTests.stream(events)
    }

    static func request() -> String {
        let body = SimulatorBodies.chat("write at length", extra: #","stream":true"#)
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer sk-test-key\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func aCallerThatStopsReadingHoldsTheProviderBackAndGetsTheWholeStreamWhenItReadsAgain() async throws {
        try await ProviderQuirksTests.run(server: "{host: 127.0.0.1, port: 0, write_timeout: 60s, header_timeout: 120s}", Self.script) { h in
            let caller = try await RawConnection.connect(port: h.gateway.port, reading: false)
            try await caller.send(Self.request())
            // Without back-pressure the gateway would read all 13 MB from the provider within a second or two.
            var held = 0
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(100))
                held = max(held, UpstreamBuffering.shared.heldBytes)
            }
            #expect(held <= 1 << 20, "the gateway holds \(held) bytes of a stream nobody reads")
            try await caller.startReading()
            #expect(await caller.received(within: .seconds(60)) { $0.tail(64).hasSuffix("data: [DONE]\n\n\r\n0\r\n\r\n") })
            #expect(caller.byteCount > Self.eventCount * Self.piece.utf8.count)
            await caller.close()
            let entry = try await Self.onlyEntry(h)
            #expect(entry.status == .ok)
            #expect(entry.usage.output > Int64(Self.eventCount * Self.piece.utf8.count / 8))
        }
    }

    @Test func aCallerStalledPastTheWriteTimeoutIsCutOffAndItsEntryRecorded() async throws {
        try await ProviderQuirksTests.run(server: "{host: 127.0.0.1, port: 0, write_timeout: 1s, header_timeout: 120s}", Self.script) { h in
            let caller = try await RawConnection.connect(port: h.gateway.port, reading: false)
            try await caller.send(Self.request())
            let entry = try await Self.onlyEntry(h)
            #expect(entry.status == .cancelled)
            #expect(entry.httpStatus == 499)
            #expect(entry.usage.output > 0, "the tokens the provider streamed before the cut are billed")
            try await caller.startReading()
            #expect(await caller.closed(within: .seconds(10)), "a caller that stopped reading is still connected")
            #expect(!caller.tail(64).hasSuffix("data: [DONE]\n\n\r\n0\r\n\r\n"))
        }
    }

    /// The single entry of the ledger, once the journal has written it.
    static func onlyEntry(_ h: ProviderQuirksTests.Harness) async throws -> LedgerEntry {
        try await h.journal.settle(within: .seconds(60), untilWritten: 1)
        return try #require(try await h.database.entries(afterSequence: 0, limit: 1).entries.first, "the ledger has no entry")
    }
}
