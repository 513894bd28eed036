import NIOCore
import Testing
import TollgateServer

/// The time-out state machine of a client connection, event by event (no sockets, no clock).
@Suite struct ConnectionDeadlinesTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func at(ms: Int64) -> NIODeadline { t0 + .milliseconds(ms) }

    static func fresh() -> ConnectionDeadlines {
        ConnectionDeadlines(openedAt: t0, headerTimeout: .seconds(10), bodyTimeout: .seconds(60))
    }

    @Test func theFirstHeadIsDueHeaderTimeoutAfterTheConnectionOpens() {
        var state = Self.fresh()
        #expect(state.deadline == Self.at(ms: 10_000))
        // Bytes of a head that is not complete yet do not extend it (slowloris).
        state.bytesReceived(at: Self.at(ms: 9_000))
        #expect(state.deadline == Self.at(ms: 10_000))
    }

    @Test func theBodyIsDueBodyTimeoutAfterItsHeadThenNoTimeOutWhileResponding() {
        var state = Self.fresh()
        state.headReceived(at: Self.at(ms: 500))
        #expect(state.deadline == Self.at(ms: 60_500))
        state.bytesReceived(at: Self.at(ms: 30_000))
        #expect(state.deadline == Self.at(ms: 60_500))
        state.requestEnded()
        #expect(state.phase == .responding && state.deadline == nil)
        state.responseEnded()
        #expect(state.phase == .idle && state.deadline == nil)
    }

    @Test func onAKeepAliveConnectionTheNextHeadIsTimedFromItsFirstByte() {
        var state = Self.fresh()
        state.headReceived(at: Self.at(ms: 1))
        state.requestEnded()
        state.responseEnded()
        // Idle for a minute: not this machine's business (Hummingbird's idle time-out).
        state.bytesReceived(at: Self.at(ms: 61_000))
        #expect(state.deadline == Self.at(ms: 71_000))
        state.headReceived(at: Self.at(ms: 61_100))
        #expect(state.deadline == Self.at(ms: 121_100))
    }

    @Test func anEarlyAnswerLeavesTheBodyTimeOutRunningUntilTheBodyEnds() {
        // A 413 is answered before the rest of the body is read; the listener then closes the connection.
        var state = Self.fresh()
        state.headReceived(at: Self.at(ms: 10))
        state.responseEnded()
        #expect(state.deadline == Self.at(ms: 60_010))
        state.requestEnded()
        #expect(state.phase == .idle && state.deadline == nil)
    }

    @Test func bytesOfAPipelinedRequestStartItsHeaderTimeOutOnceTheResponseEnds() {
        var state = Self.fresh()
        state.headReceived(at: Self.at(ms: 10))
        state.requestEnded()
        state.bytesReceived(at: Self.at(ms: 200))
        #expect(state.deadline == nil)
        state.responseEnded()
        #expect(state.phase == .head(since: Self.at(ms: 200)) && state.deadline == Self.at(ms: 10_200))
    }

    @Test func aPipelinedHeadKeepsTheConnectionRespondingUntilEveryResponseEnds() {
        var state = Self.fresh()
        state.headReceived(at: Self.at(ms: 10))
        state.requestEnded()
        state.headReceived(at: Self.at(ms: 20))
        state.requestEnded()
        state.responseEnded()
        #expect(state.phase == .responding)
        state.responseEnded()
        #expect(state.phase == .idle)
    }
}
