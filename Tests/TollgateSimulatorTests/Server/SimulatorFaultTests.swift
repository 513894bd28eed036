import Testing
import TollgateProviders
import TollgateSimulator
import TollgateTestKit

@Suite struct SimulatorFaultTests {
    @Test func rateLimitIs429WithRetryAfterInEachDialect() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(retryAfterSeconds: 2)) { sim in
            let openAI = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: [("x-sim-fault", "rate_limit")])
            #expect(openAI.status == 429)
            #expect(openAI.headers["retry-after"] == "2")
            #expect(openAI.headers["retry-after-ms"] == "2000")
            let error = try #require(try openAI.object()["error"] as? [String: Any])
            #expect(error["type"] as? String == "rate_limit_error")
            #expect(error["code"] as? String == "rate_limit_exceeded")

            let anthropic = try await sim.send(.post, "/v1/messages", json: SimulatorBodies.messages("[[sim:fault=rate_limit]] hi"))
            #expect(anthropic.status == 429)
            #expect(anthropic.headers["retry-after"] == "2")
            let body = try anthropic.object()
            #expect(body["type"] as? String == "error")
            #expect((body["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
        }
    }

    @Test func serverErrorAndOverloadedStatuses() async throws {
        try await SimulatorHarness.run { sim in
            let server = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: SimulatorBodies.chat("hi"),
                headers: [("x-sim-fault", "server_error")]
            )
            #expect(server.status == 500)
            #expect((try server.object()["error"] as? [String: Any])?["type"] as? String == "api_error")
            let openAI = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: [("x-sim-fault", "overloaded")])
            #expect(openAI.status == 503)
            let anthropic = try await sim.send(.post, "/v1/messages", json: SimulatorBodies.messages("hi"), headers: [("x-sim-fault", "overloaded")])
            #expect(anthropic.status == 529)
            #expect((try anthropic.object()["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
            let embeddings = try await sim.send(
                .post,
                "/v1/embeddings",
                json: "{\"model\":\"e\",\"input\":\"x\"}",
                headers: [("x-sim-fault", "server_error")]
            )
            #expect(embeddings.status == 500)
        }
    }

    @Test func unknownFaultIsABadRequest() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: [("x-sim-fault", "meltdown")])
            #expect(response.status == 400)
        }
    }

    @Test func stallSendsNothingUntilTheClientGivesUp() async throws {
        try await SimulatorHarness.run { sim in
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                _ = try await sim.send(
                    .post,
                    "/v1/chat/completions",
                    json: SimulatorBodies.chat("[[sim:fault=stall]]"),
                    headers: [("x-tollgate-request-id", "stall-1")],
                    timeout: .milliseconds(300)
                )
            }
            #expect(ContinuousClock.now - start >= .milliseconds(290))
            // The simulator notices the client leaving and ends the stall (status 504, never completed).
            var record: [String: Any]?
            for _ in 0..<50 {
                record = try await sim.recordedRequests(requestID: "stall-1").first
                if record?["status"] as? Int == 504 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(record?["fault"] as? String == "stall")
            #expect(record?["completed"] as? Bool == false)
            #expect(record?["status"] as? Int == 504)
        }
    }

    @Test func disconnectCutsAnOpenAIStreamWithoutUsageOrDone() async throws {
        try await SimulatorHarness.run { sim in
            let body = SimulatorBodies.chat("[[sim:tokens=20]]", extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}")
            let response = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: body,
                headers: [("x-sim-fault", "disconnect"), ("x-tollgate-request-id", "cut-1")]
            )
            #expect(response.status == 200)
            #expect(response.bodyError != nil)
            #expect(!response.body.contains("[DONE]"))
            #expect(!response.body.contains("\"usage\""))
            #expect(response.events.count == 1 + 10)
            let record = try #require(try await sim.recordedRequests(requestID: "cut-1").first)
            #expect(record["fault"] as? String == "disconnect")
            #expect(record["completed"] as? Bool == false)
        }
    }

    @Test func disconnectCutsAnAnthropicStreamBeforeMessageStop() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(
                .post,
                "/v1/messages",
                json: SimulatorBodies.messages("[[sim:tokens=8]] [[sim:fault=disconnect]]", extra: ",\"stream\":true")
            )
            #expect(response.bodyError != nil)
            #expect(response.body.contains("event: message_start"))
            #expect(!response.body.contains("message_delta"))
            #expect(!response.body.contains("message_stop"))
            #expect(response.events.count == 3 + 4)
        }
    }

    @Test func disconnectAbortsANonStreamingBodyHalfway() async throws {
        try await SimulatorHarness.run { sim in
            let response = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: SimulatorBodies.chat("hi"),
                headers: [("x-sim-fault", "disconnect"), ("x-tollgate-request-id", "cut-2")]
            )
            #expect(response.status == 200)
            #expect(response.bodyError != nil)
            let length = try #require(response.headers["content-length"].flatMap { Int($0) })
            #expect(response.body.utf8.count == length / 2)
            let record = try #require(try await sim.recordedRequests(requestID: "cut-2").first)
            #expect(record["completed"] as? Bool == false)
        }
    }

    @Test func streamErrorSendsAnInStreamErrorEvent() async throws {
        try await SimulatorHarness.run { sim in
            let openAI = try await sim.send(
                .post,
                "/v1/chat/completions",
                json: SimulatorBodies.chat("[[sim:tokens=6]]", extra: ",\"stream\":true"),
                headers: [("x-sim-fault", "stream_error")]
            )
            #expect(openAI.bodyError == nil)
            #expect(openAI.events.last?.hasPrefix("data: {\"error\":") == true)
            #expect(!openAI.body.contains("[DONE]"))
            let anthropic = try await sim.send(
                .post,
                "/v1/messages",
                json: SimulatorBodies.messages("[[sim:tokens=6]]", extra: ",\"stream\":true"),
                headers: [("x-sim-fault", "stream_error")]
            )
            #expect(anthropic.events.last?.hasPrefix("event: error\n") == true)
            #expect(!anthropic.body.contains("message_stop"))
        }
    }

    @Test func faultCountInjectsOnlyOnTheFirstNRequestsPerKey() async throws {
        try await SimulatorHarness.run { sim in
            let headers = [("x-sim-fault", "rate_limit"), ("x-sim-fault-count", "2"), ("x-sim-fault-key", "retry-test")]
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: headers).status)
            }
            #expect(statuses == [429, 429, 200, 200])

            let directive = SimulatorBodies.messages("[[sim:fault=server_error,count=1,key=dir-test]]")
            #expect(try await sim.send(.post, "/v1/messages", json: directive).status == 500)
            #expect(try await sim.send(.post, "/v1/messages", json: directive).status == 200)

            // Without a key, identical requests share one count.
            let keyless = SimulatorBodies.chat("[[sim:fault=overloaded,count=1]] same")
            #expect(try await sim.send(.post, "/v1/chat/completions", json: keyless).status == 503)
            #expect(try await sim.send(.post, "/v1/chat/completions", json: keyless).status == 200)
        }
    }

    @Test func configuredFaultPlanAppliesUnlessTheRequestOptsOut() async throws {
        let configuration = SimulatorConfiguration(faults: FaultPlan(probabilities: [.serverError: 1]))
        try await SimulatorHarness.run(configuration) { sim in
            #expect(try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi")).status == 500)
            let optOut = try await sim.send(.post, "/v1/chat/completions", json: SimulatorBodies.chat("hi"), headers: [("x-sim-fault", "none")])
            #expect(optOut.status == 200)
            #expect(try await sim.send(.get, "/v1/models").status == 200)
        }
    }
}
