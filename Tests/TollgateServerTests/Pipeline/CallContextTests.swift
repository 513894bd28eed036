import Testing
import TollgateCore
import TollgateProviders

@testable import TollgateServer

/// The call context: one per request, and one per upstream call when a request makes several.
@Suite struct CallContextTests {
    @Test func eachUpstreamCallHasItsOwnIdChainedToTheRequest() throws {
        let request = PipelineFixtures.call()
        #expect(request.parentID == nil)
        let first = request.upstreamCall(1)
        let second = request.upstreamCall(2)
        let parent: String = request.id
        #expect(first.id == "\(parent).1")
        #expect(second.id == "\(parent).2")
        #expect(first.parentID == parent)
        #expect(second.parentID == parent)
        #expect(first.startedMs == request.startedMs)
        #expect(first.route == request.route)
    }

    @Test func anUpstreamCallsAdmissionAndEntryNameTheRequest() throws {
        let runtime = try PipelineFixtures.runtime()
        let call = PipelineFixtures.call().upstreamCall(1)
        let incoming = try PipelineFixtures.incoming(runtime, PipelineFixtures.chat("gpt-4o"))
        let admitted = try LeversTests.admitted(runtime, model: "gpt-4o")
        let admission = Gateway.admission(incoming, admitted: admitted, attribution: Attribution(keyID: "k"), call: call)
        #expect(admission.id == call.id)
        #expect(admission.parentID == call.parentID)
        let outgoing = Levers.apply(incoming, admitted: admitted, route: .chatCompletions)
        let entry = Gateway.entry(admission, outgoing: outgoing, routedFrom: nil, attempts: [])
        #expect(entry.id == call.id)
        #expect(entry.parentID == call.parentID)
        let own = Gateway.admission(incoming, admitted: admitted, attribution: Attribution(keyID: "k"), call: PipelineFixtures.call())
        #expect(own.parentID == nil)
    }
}
