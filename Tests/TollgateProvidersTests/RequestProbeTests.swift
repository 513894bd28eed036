import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

@Suite struct RequestProbeTests {
    private func probe(_ route: RouteKind, _ json: String) throws(RequestError) -> RequestProbe {
        try route.probe(Data(json.utf8))
    }

    @Test func readsChatRequests() throws {
        let p = try probe(
            .chatCompletions,
            #"{"model":"gpt-4o","stream":true,"max_tokens":50,"messages":[{"role":"system","content":"abcd"},{"role":"user","content":[{"type":"text","text":"efghij"},{"type":"image_url","image_url":{"url":"x"}}]}],"unknown":{"kept":1}}"#
        )
        #expect(p.model == "gpt-4o" && p.stream && p.maxTokens == 50 && !p.clientRequestedStreamUsage && !p.hasStreamOptions)
        #expect(p.estimatedInputTokens == 3)  // 10 bytes of text
    }

    @Test func reportsTheFirstProblemWithItsField() {
        #expect(throws: RequestError.self) { try probe(.chatCompletions, "{not json") }
        do {
            _ = try probe(.chatCompletions, #"{"messages":[{"role":"user","content":"hi"}]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400 && error.param == "model")
        }
        do {
            _ = try probe(.chatCompletions, #"{"model":42,"messages":[]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400 && error.param == "model" && error.message.contains("string"))
        }
        do {
            _ = try probe(.chatCompletions, #"{"model":"m","messages":[]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "messages")
        }
        do {
            _ = try probe(.messages, #"{"model":"claude","messages":[{"role":"user","content":"hi"}]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "max_tokens")
        }
        do {
            _ = try probe(.embeddings, #"{"model":"e","input":{"a":1}}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "input")
        }
    }

    @Test(arguments: [
        #"{"model":"gpt-4o","messages":[{"role":"user","content":"hello there"}]}"#,
        #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a\"b"}]}"#,
        #"{"model":"gpt-4o","stream":false,"stream_options":null,"max_tokens":null,"max_completion_tokens":77,"messages":[{"role":"user","content":[{"type":"text","text":"abc"},{"type":"text","text":"defgh"}]}]}"#,
        #"{ "messages" : [ {"role":"system","content":"s"}, {"role":"user","content":null} ], "model" : "m", "max_tokens": 12, "stream": true, "stream_options": {"other": 1} }"#,
    ])
    func theScanningFastPathAgreesWithTheDecoder(body: String) throws {
        let fast = try #require(OpenAIChatProbe.fastProbe(Array(body.utf8)))
        #expect(fast == (try OpenAIChatProbe.decodedProbe(Data(body.utf8))))
    }

    @Test(arguments: [
        #"{"model":42,"messages":[{"role":"user","content":"x"}]}"#, #"{"model":"m","messages":[]}"#,
        #"{"model":"m","messages":{"role":"user"}}"#, #"{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}"#,
        #"{"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"x"}]}"#, "{nope",
    ])
    func anythingUnusualTakesTheDecoderPath(body: String) {
        #expect(OpenAIChatProbe.fastProbe(Array(body.utf8)) == nil)
    }

    @Test func embeddingsCountTokenArrays() throws {
        #expect(try probe(.embeddings, #"{"model":"e","input":[[1,2,3],[4]]}"#).estimatedInputTokens == 4)
        #expect(try probe(.embeddings, #"{"model":"e","input":"abcdefgh"}"#).estimatedInputTokens == 2)
    }
}

@Suite struct RequestRewriteTests {
    @Test func injectsStreamUsageWithoutTouchingOtherBytes() throws {
        let body = #"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}],"x-unknown":[1,2]}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        let rewritten = try #require(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o"))
        let out = String(decoding: rewritten, as: UTF8.self)
        #expect(out == #"{"stream_options":{"include_usage":true},"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}],"x-unknown":[1,2]}"#)
    }

    @Test func leavesBodiesAloneWhenNothingMustChange() throws {
        let body = #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        #expect(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o") == nil)
    }

    @Test func setsIncludeUsageInExistingOptionsAndRenamesAliases() throws {
        let body = #"{"model":"fast","stream":true,"stream_options":{"include_usage":false,"other":1},"messages":[{"role":"user","content":"hi"}],"extra":"kept"}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        let out = try #require(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o-mini"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        #expect(object["model"] as? String == "gpt-4o-mini")
        #expect(object["extra"] as? String == "kept")
        let options = try #require(object["stream_options"] as? [String: Any])
        #expect(options["include_usage"] as? Bool == true && options["other"] as? Int == 1)
    }
}

@Suite struct ErrorBodyTests {
    @Test func openAIShape() throws {
        let text = ErrorBody.render(dialect: .openai, status: 404, message: "no \"such\" model", code: "model_not_found", param: "model")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["message"] as? String == "no \"such\" model")
        #expect(error["type"] as? String == "invalid_request_error")
        #expect(error["code"] as? String == "model_not_found" && error["param"] as? String == "model")
    }

    @Test(arguments: [(400, "invalid_request_error"), (401, "authentication_error"), (404, "not_found_error"), (413, "request_too_large"), (429, "rate_limit_error"), (500, "api_error"), (529, "overloaded_error")])
    func anthropicShape(status: Int, type: String) throws {
        let text = ErrorBody.render(dialect: .anthropic, status: status, message: "m")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "error")
        #expect((object["error"] as? [String: Any])?["type"] as? String == type)
    }
}
