import Foundation
import Testing
import TollgateCore
import TollgateServer
import TollgateStore
import TollgateTestKit

/// `POST /v1/outcomes` over a real socket, with a real SQLite ledger.
@Suite struct OutcomesAPITests {
    static let one =
        #"{"id":"o-1","request_id":"tg_x","workflow":"refunds","outcome":"ticket_resolved","status":"success","value_usd":"12.5","quality":0.9}"#

    @Test func anOutcomeIsRecordedOnceAndJoinsTheCallItCovers() async throws {
        try await GatewayHarness.run { h in
            let chat = try await h.gateway.send(
                .post, "/v1/chat/completions", json: GatewayEndToEndTests.chat, headers: [("x-tollgate-trace-id", "trace-42")])
            let requestID = try #require(chat.headers["x-tollgate-request-id"])
            let entry = try await h.entry(requestID)
            let body =
                #"{"id":"o-call","request_id":"\#(requestID)","trace_id":"trace-42","workflow":"support-copilot","outcome":"answered","status":"success","value_usd":0.25,"human_reviewed":true,"occurred_at":"2026-10-05T10:00:00Z"}"#
            let first = try await h.gateway.send(.post, "/v1/outcomes", json: body)
            #expect(first.status == 200)
            #expect(try first.object()["accepted"] as? Int == 1 && first.object()["duplicates"] as? Int == 0)
            let again = try await h.gateway.send(.post, "/v1/outcomes", json: body)
            #expect(again.status == 200)
            #expect(try again.object()["accepted"] as? Int == 0 && again.object()["duplicates"] as? Int == 1)
            let stored = try #require(try await h.database.outcome(id: "o-call"))
            #expect(stored.valueNanoUSD == 250_000_000 && stored.humanReviewed == true && stored.workflow == "support-copilot")
            #expect(stored.occurredAtMs == CivilDate.unixSeconds("2026-10-05T10:00:00Z")! * 1_000)
            let coverage = try await h.database.coverage(ofOutcome: "o-call")
            #expect(coverage.calls == 1 && coverage.costNanoUSD == entry.costNanoUSD)
            #expect(try await h.database.unmatchedOutcomes().isEmpty)
        }
    }

    @Test func aBatchIsAppliedWholeAndUnknownRequestsAreKept() async throws {
        try await GatewayHarness.run { h in
            let batch = """
                {"outcomes":[
                  {"id":"b-1","request_id":"tg_not_seen_yet","workflow":"refunds","outcome":"resolved","status":"success"},
                  {"id":"b-2","trace_id":"trace-unknown","workflow":"refunds","outcome":"resolved","status":"partial","quality":0.5},
                  {"id":"b-1","request_id":"tg_not_seen_yet","workflow":"refunds","outcome":"resolved","status":"success"}
                ]}
                """
            let response = try await h.gateway.send(.post, "/v1/outcomes", json: batch)
            #expect(response.status == 200)
            let object = try response.object()
            #expect(object["received"] as? Int == 3 && object["accepted"] as? Int == 2 && object["duplicates"] as? Int == 1)
            #expect(try await h.database.unmatchedOutcomes().map(\.id).sorted() == ["b-1", "b-2"])
        }
    }

    @Test(arguments: [
        ("{not json", "not valid JSON", nil as String?),
        (#"{"id":"x","workflow":"w","outcome":"o","status":"success"}"#, "request_id", "request_id"),
        (
            #"{"id":"x","request_id":"r","workflow":"w","outcome":"o","status":"success","quality":1.01}"#, "quality: must be between 0 and 1",
            "quality"
        ),
        (
            #"{"id":"x","request_id":"r","workflow":"w","outcome":"o","status":"success","value_usd":"1,50"}"#, "value_usd: '1,50' is not a decimal",
            "value_usd"
        ),
        (#"{"id":"x","request_id":"r","workflow":"w","status":"success"}"#, "outcome: is required", "outcome"),
        (
            #"{"outcomes":[{"id":"ok","request_id":"r","workflow":"w","outcome":"o","status":"success"},{"id":"bad","request_id":"r","workflow":"w","outcome":"o","status":"won"}]}"#,
            "outcomes[1].status: must be one of success, failure, partial", "outcomes[1].status"
        ),
        (
            #"{"outcomes":[{"id":"d","request_id":"r","workflow":"w","outcome":"o","status":"success"},{"id":"d","request_id":"r","workflow":"w","outcome":"o","status":"failure"}]}"#,
            "appears earlier in the batch with a different status", "outcomes[1].id"
        ),
    ])
    func badInputIs400WithAPreciseMessageAndNothingIsApplied(body: String, message: String, param: String?) async throws {
        try await GatewayHarness.run { h in
            let response = try await h.gateway.send(.post, "/v1/outcomes", json: body)
            #expect(response.status == 400)
            let error = try #require(try response.object()["error"] as? [String: Any])
            let text = try #require(error["message"] as? String)
            #expect(text.contains(message), "\(text)")
            #expect(text.contains("Nothing was recorded"))
            #expect(error["type"] as? String == "invalid_request_error" && error["code"] as? String == "invalid_outcome")
            #expect(error["param"] as? String == param)
            #expect(try await h.database.outcomeCount() == 0)
        }
    }

    @Test func aChangedPayloadIs409AndTheBatchIsNotApplied() async throws {
        try await GatewayHarness.run { h in
            #expect(try await h.gateway.send(.post, "/v1/outcomes", json: Self.one).status == 200)
            let changed = """
                {"outcomes":[{"id":"o-new","request_id":"tg_y","workflow":"refunds","outcome":"o","status":"success"},
                 {"id":"o-1","request_id":"tg_x","workflow":"refunds","outcome":"ticket_resolved","status":"success","value_usd":"13"}]}
                """
            let response = try await h.gateway.send(.post, "/v1/outcomes", json: changed)
            #expect(response.status == 409)
            let error = try #require(try response.object()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("already recorded with a different value_usd") == true)
            #expect(try await h.database.outcomeCount() == 1)
            #expect(try await h.database.outcome(id: "o-1")?.valueNanoUSD == 12_500_000_000)
        }
    }

    @Test func outcomesNeedACallerKeyAndJSON() async throws {
        try await GatewayHarness.run { h in
            #expect(try await h.gateway.send(.post, "/v1/outcomes", json: Self.one, authorization: nil).status == 401)
            #expect(try await h.gateway.send(.post, "/v1/outcomes", json: Self.one, authorization: "Bearer sk-wrong").status == 401)
            let plain = try await h.gateway.send(.post, "/v1/outcomes", json: nil, headers: [("content-type", "text/plain")])
            #expect(plain.status == 415)
            #expect(try await h.gateway.send(.post, "/v1/outcomes", json: Self.one, authorization: "Bearer sk-locked-key").status == 200)
            #expect(try await h.database.outcomeCount() == 1)
        }
    }
}
