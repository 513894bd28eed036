import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TollgateCore
import TollgateSimulator

/// Sends a steady mix of calls for the five demo workflows, reports their outcomes, and every
/// ``episodeEvery`` calls plays the moments governance exists for (``DemoEpisodes``).
struct DemoTraffic: Service {
    let gatewayURL: String
    let rate: Double
    let logger: Logger

    /// Calls between two governance episodes (about 30 s at the default rate); the first comes after 5 s.
    var episodeEvery: Int { max(20, Int(rate * 30)) }

    func run() async throws {
        guard rate > 0 else {
            try? await gracefulShutdown()
            return
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sender = DemoSender(client: client, gatewayURL: gatewayURL)
        var generator = SystemRandomNumberGenerator()
        let interval = Duration.milliseconds(Int64(1_000 / rate))
        let firstEpisode = max(1, Int(rate * 5))
        try? await Task.sleep(for: .milliseconds(500))
        await withDiscardingTaskGroup { group in
            var n = 0
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                n += 1
                if n % episodeEvery == firstEpisode % episodeEvery {
                    let round = n / episodeEvery
                    group.addTask { await DemoEpisodes(sender: sender).play(round: round) }
                }
                let workflow = DemoScenario.workflows[Int.random(in: 0..<DemoScenario.workflows.count, using: &generator)]
                let call = DemoTraffic.call(for: workflow, number: n, generator: &generator)
                group.addTask { await sender.send(call, key: workflow.key, outcomeFor: workflow.name) }
                try? await Task.sleep(for: interval)
            }
        }
        try? await client.shutdown()
    }

    struct Call: Sendable {
        var path: String
        var body: String
        var headers: [(String, String)]
    }

    static func call(for workflow: DemoScenario.Workflow, number: Int, generator: inout SystemRandomNumberGenerator) -> Call {
        let model = workflow.models[Int.random(in: 0..<workflow.models.count, using: &generator)]
        let stream = Double.random(in: 0..<1, using: &generator) < workflow.streamShare
        var headers: [(String, String)] = [("x-tollgate-prompt-version", "v\(1 + number % 3)")]
        if let customer = workflow.customers.randomElement(using: &generator) { headers.append(("x-tollgate-customer", customer)) }
        if workflow.name == "sales-research-agent" { headers.append(("x-tollgate-trace-id", "research-\(number / 5)")) }
        if Int.random(in: 0..<40, using: &generator) == 0 { headers.append(("x-sim-fault", "rate_limit")) }
        let words = Int.random(in: 20..<400, using: &generator)
        var prompt = String(repeating: "Summarise the account history and next steps. ", count: words / 7 + 1)
        if workflow.name == "support-copilot", Int.random(in: 0..<8, using: &generator) == 0 {
            prompt += "The customer is jane.doe@example.com, call back on +1 415 555 0134. "
        }
        if workflow.name == "knowledge-bot", Int.random(in: 0..<5, using: &generator) < 3 {
            // The questions employees ask again and again, asked deterministically: the response cache answers repeats.
            let question = faq[Int.random(in: 0..<faq.count, using: &generator)]
            return body(model: model, prompt: question, maxTokens: 200, stream: stream, headers: [], temperature: 0)
        }
        let maxTokens = Int.random(in: 64..<400, using: &generator)
        return body(model: model, prompt: prompt, maxTokens: maxTokens, stream: stream, headers: headers)
    }

    /// The knowledge bot's frequent questions.
    static let faq = [
        "How do I reset my VPN password?", "Where is the expense policy?", "How many vacation days do I have left?",
        "How do I book a meeting room?", "Who approves hardware requests?", "What is the Wi-Fi password for guests?",
    ]

    /// The request for one model: embeddings, Anthropic messages (with a cached system prompt) or OpenAI chat.
    static func body(model: String, prompt: String, maxTokens: Int, stream: Bool, headers: [(String, String)], temperature: Int? = nil) -> Call {
        let sampling = temperature.map { ",\"temperature\":\($0)" } ?? ""
        let context = String(repeating: "Policy handbook section on refunds, escalations and service levels. ", count: 120)
        if model.hasPrefix("text-embedding") {
            return Call(path: "/v1/embeddings", body: "{\"model\":\"\(model)\",\"input\":[\"\(prompt)\"]}", headers: headers)
        }
        if model.hasPrefix("claude") {
            let body =
                "{\"model\":\"\(model)\",\"max_tokens\":\(maxTokens),\"stream\":\(stream)\(sampling),"
                + "\"system\":[{\"type\":\"text\",\"text\":\"\(context)\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"\(prompt)\"}]}"
            return Call(path: "/v1/messages", body: body, headers: headers + [("anthropic-version", "2023-06-01")])
        }
        let body =
            "{\"model\":\"\(model)\",\"stream\":\(stream),\"max_tokens\":\(maxTokens)\(sampling),"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"\(context)\"},{\"role\":\"user\",\"content\":\"\(prompt)\"}]}"
        return Call(path: "/v1/chat/completions", body: body, headers: headers)
    }
}

/// Sends demo calls and reports the outcome of each answered one, as an application would.
struct DemoSender: Sendable {
    let client: HTTPClient
    let gatewayURL: String

    /// Sends a call; returns its HTTP status (0 when it failed to arrive).
    @discardableResult
    func send(_ call: DemoTraffic.Call, key: String, outcomeFor workflow: String? = nil) async -> Int {
        var request = HTTPClientRequest(url: gatewayURL + call.path)
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in call.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: call.body))
        guard let response = try? await client.execute(request, timeout: .seconds(60)) else { return 0 }
        _ = try? await response.body.collect(upTo: 16 << 20)
        let status = Int(response.status.code)
        if status == 200, let workflow, let id = response.headers.first(name: "x-tollgate-request-id") {
            await reportOutcome(workflow: workflow, requestID: id, key: key)
        }
        return status
    }

    /// `POST /v1/outcomes` for an answered call, succeeding at the workflow's usual rate.
    func reportOutcome(workflow name: String, requestID: String, key: String) async {
        guard let workflow = DemoHistory.workflows.first(where: { $0.name == name }) else { return }
        let success = Double.random(in: 0..<1) < workflow.successRate
        let value = success ? "\"value_usd\":\"\(Money.format(nanoUSD: workflow.valueNanoUSD))\"," : ""
        let body =
            "{\"id\":\"live-\(requestID)\",\"request_id\":\"\(requestID)\",\"workflow\":\"\(name)\",\"outcome\":\"\(workflow.outcomeName)\","
            + "\(value)\"status\":\"\(success ? "success" : "failure")\"}"
        var request = HTTPClientRequest(url: gatewayURL + "/v1/outcomes")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        if let response = try? await client.execute(request, timeout: .seconds(30)) { _ = try? await response.body.collect(upTo: 1 << 20) }
    }
}

/// The moments governance exists for, played against the live gateway: a runaway research trace the
/// agent limit stops, a bulk burst beyond its rate limit, and a batch job the registry policy refuses.
struct DemoEpisodes: Sendable {
    let sender: DemoSender

    func play(round: Int) async {
        async let runaway: Void = runawayTrace(round: round)
        async let burst: Void = bulkBurst()
        let batch = DemoTraffic.body(model: "gpt-4o-mini", prompt: "Score the nightly evaluation set.", maxTokens: 32, stream: false, headers: [])
        await sender.send(batch, key: DemoScenario.batchKey)
        _ = await (runaway, burst)
    }

    /// A research agent stuck in a loop: one trace, five tool calls at a time, until the agent limit refuses it.
    func runawayTrace(round: Int) async {
        let key = DemoScenario.workflows.first { $0.name == DemoHistory.Rules.agentLimit.workflow }?.key ?? ""
        let headers = [("x-tollgate-trace-id", "runaway-\(round)-\(UInt32.random(in: 0...UInt32.max))"), ("x-tollgate-customer", "stark")]
        let call = DemoTraffic.body(
            model: "gpt-4o-mini", prompt: "Search again for the lead's budget owner.", maxTokens: 24, stream: false, headers: headers)
        for _ in 0..<(DemoHistory.Rules.agentLimit.maxCalls / 5 + 2) {
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<5 { group.addTask { await sender.send(call, key: key) } }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            if statuses.contains(429) { break }
        }
    }

    /// The knowledge bot re-indexes in bulk: twice as many embedding calls at once as its key's rate limit
    /// admits in a minute, so some are refused however slowly the machine serves them.
    func bulkBurst() async {
        let count = DemoHistory.Rules.bulkRateLimit.requestsPerMinute * 2
        await withDiscardingTaskGroup { group in
            for index in 0..<count {
                group.addTask {
                    let call = DemoTraffic.body(
                        model: "text-embedding-3-small", prompt: "Handbook page \(index)", maxTokens: 0, stream: false, headers: [])
                    await sender.send(call, key: DemoScenario.bulkKey)
                }
            }
        }
    }
}
