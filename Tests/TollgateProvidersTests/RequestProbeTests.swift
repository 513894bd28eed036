import Foundation
import Testing
import TollgateCore

@testable import TollgateProviders

@Suite struct RequestProbeTests {
    /// The codes of a field that is missing, mistyped or out of range (each answered 400: `GatewayErrorStatusTests`).
    static let validationCodes: Set<RequestError.Code> = [
        .missingRequiredParameter, .invalidType, .invalidValue, .integerBelowMinValue, .integerAboveMaxValue,
    ]

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
            #expect(error.code == .missingRequiredParameter && error.param == "model")
        }
        do {
            _ = try probe(.chatCompletions, #"{"model":42,"messages":[]}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidType && error.param == "model" && error.message.contains("string"))
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

    @Test func spacedBodiesReadLikeCompactOnes() throws {
        let compact = #"{"model":"gpt-4o","stream":true,"max_tokens":50,"messages":[{"role":"user","content":"hello there"}]}"#
        let spaced =
            "{\n  \"model\": \"gpt-4o\",\n  \"stream\": true,\n  \"max_tokens\": 50,\n  \"messages\": [ { \"role\": \"user\", \"content\": \"hello there\" } ]\n}"
        let a = try probe(.chatCompletions, compact)
        #expect(a == (try probe(.chatCompletions, spaced)))
        #expect(a.estimatedInputTokens == 3)
    }

    @Test func streamOptionsNullIsAbsent() throws {
        let p = try probe(.chatCompletions, #"{"model":"m","stream":true,"stream_options":null,"messages":[{"role":"user","content":"x"}]}"#)
        #expect(!p.hasStreamOptions && !p.clientRequestedStreamUsage)
    }

    @Test(arguments: [
        #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"mod\u0065l":"gpt-4o"}"#,
        #"{"model":"a","model":"b","messages":[{"role":"user","content":"x"}]}"#,
        #"{"model":"a","messages":[{"role":"user","content":"x"}],"max_tokens":5,"max_tokens":9000}"#,
        #"{"model":"a","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":false,"include_usage":true}}"#,
    ])
    func repeatedFieldsTheGatewayActsOnAreRefused(body: String) {
        do {
            _ = try probe(.chatCompletions, body)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .duplicateParameter)
        }
    }

    @Test(arguments: [
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-100000000000000000}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_completion_tokens":1e30}"#, "max_completion_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":2.5}"#, "max_tokens"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":0}"#, "n"),
        (#"{"model":"m","messages":[{}]}"#, "messages[0].role"),
        (#"{"model":"m","messages":[{"role":7,"content":"x"}]}"#, "messages[0].role"),
        (#"{"model":"m","stream":"yes","messages":[{"role":"user","content":"x"}]}"#, "stream"),
    ])
    func numbersAndTypesAreValidated(body: String, param: String) {
        do {
            _ = try probe(.chatCompletions, body)
            Issue.record("expected a refusal")
        } catch {
            #expect(Self.validationCodes.contains(error.code) && error.param == param, "\(error)")
        }
    }

    @Test(arguments: [
        #"{"model":"m","messages":[{"role":"user","content":"x"}]"#, #"{"model":"m","messages":[{"role":"user","content":"x"}]}garbage"#,
        #"{"model":"m","messages":[{"role":"user","content":"x"},]}"#, #"{"model":"m","n":01,"messages":[{"role":"user","content":"x"}]}"#,
        #"["not","an","object"]"#,
    ])
    func invalidJSONIsRefused(body: String) {
        for route in [RouteKind.chatCompletions, .messages, .responses, .embeddings] {
            do {
                _ = try probe(route, body)
                Issue.record("expected a refusal")
            } catch {
                #expect(error.code == .invalidJSON)
            }
        }
    }

    @Test func bodiesNameTheEndUser() throws {
        #expect(try probe(.chatCompletions, #"{"model":"m","user":"u-1","messages":[{"role":"user","content":"x"}]}"#).user == "u-1")
        #expect(
            try probe(.messages, #"{"model":"m","max_tokens":5,"metadata":{"user_id":"u-2"},"messages":[{"role":"user","content":"x"}]}"#).user
                == "u-2")
        #expect(try probe(.responses, #"{"model":"m","user":"u-3","input":"hi"}"#).user == "u-3")
    }

    @Test func readsResponsesRequests() throws {
        let p = try probe(
            .responses,
            #"{"model":"gpt-4o","instructions":"abcd","input":[{"role":"user","content":[{"type":"input_text","text":"efgh"}]}],"max_output_tokens":64,"stream":true}"#
        )
        #expect(p.model == "gpt-4o" && p.stream && p.maxTokens == 64 && p.estimatedInputTokens == 2)
        #expect(try probe(.responses, #"{"model":"gpt-4o","input":"abcdefgh"}"#).estimatedInputTokens == 2)
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
        #expect(
            out
                == #"{"stream_options":{"include_usage":true},"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}],"x-unknown":[1,2]}"#
        )
    }

    @Test func leavesBodiesAloneWhenNothingMustChange() throws {
        let body = #"{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        #expect(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o") == nil)
    }

    @Test func setsIncludeUsageInExistingOptionsAndRenamesAliases() throws {
        let body =
            #"{"model":"fast","stream":true,"stream_options":{"include_usage":false,"other":1},"messages":[{"role":"user","content":"hi"}],"extra":"kept"}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        let out = try #require(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o-mini"))
        #expect(
            String(decoding: out, as: UTF8.self)
                == #"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true,"other":1},"messages":[{"role":"user","content":"hi"}],"extra":"kept"}"#
        )
    }

    @Test func replacesANullStreamOptionsInsteadOfAddingASecondKey() throws {
        let body = #"{"model":"m","stream":true,"stream_options":null,"messages":[{"role":"user","content":"hi"}]}"#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        let out = try #require(RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "m"))
        #expect(
            String(decoding: out, as: UTF8.self)
                == #"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#)
    }

    @Test func anAliasChangesOnlyTheModelValue() throws {
        // Structured output follows `properties` order, so everything but the model must arrive as sent.
        let body = #"""
            {"response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {"type": "object",
             "properties": {"reasoning": {"type": "string"}, "answer": {"type": "string"}, "b": {}, "a": {}}}}},
             "model" : "fast", "messages": [{"role": "user", "content": "caf\u00e9 \/ x"}], "max_tokens": 10}
            """#
        let probe = try RouteKind.chatCompletions.probe(Data(body.utf8))
        let out = try #require(
            RequestRewrite.rewritten(Array(body.utf8), route: .chatCompletions, probe: probe, upstreamModel: "gpt-4o-2024-08-06", maxTokens: 5))
        let expected = body.replacingOccurrences(of: #""model" : "fast""#, with: #""model" : "gpt-4o-2024-08-06""#)
            .replacingOccurrences(of: #""max_tokens": 10"#, with: #""max_tokens": 5"#)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func capsAddTheRouteField() throws {
        let body = #"{"model":"m","input":"hi"}"#
        let probe = try RouteKind.responses.probe(Data(body.utf8))
        let out = try #require(
            RequestRewrite.rewritten(
                Array(body.utf8), route: .responses, probe: probe, upstreamModel: "m", maxTokens: 64, maxTokensKey: "max_completion_tokens"))
        #expect(String(decoding: out, as: UTF8.self) == #"{"max_output_tokens":64,"model":"m","input":"hi"}"#)
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

    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (404, "not_found_error"), (413, "request_too_large"),
        (429, "rate_limit_error"), (500, "api_error"), (529, "overloaded_error"),
    ])
    func anthropicShape(status: Int, type: String) throws {
        let text = ErrorBody.render(dialect: .anthropic, status: status, message: "m")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "error")
        #expect((object["error"] as? [String: Any])?["type"] as? String == type)
    }
}
