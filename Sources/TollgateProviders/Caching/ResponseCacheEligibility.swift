/// Whether a request's answer may be served from, and stored in, the exact response cache by default:
/// only a deterministic request (an effective `temperature` of 0) for one answer (`n` of 1), since
/// a cached answer to a sampled request would freeze one draw of a distribution the caller asked for.
public enum ResponseCacheEligibility: Sendable, Hashable {
    /// The request may be cached.
    case eligible
    /// The request is not cached, and why.
    case ineligible(String)

    /// The eligibility of a request body (both dialects sample at a temperature of 1 by default).
    /// - Parameter anyTemperature: Caches sampled requests too (a workflow that accepts a frozen draw).
    public init(body: JSONDocument, anyTemperature: Bool = false) {
        let root = body.root
        guard root.kind == .object else {
            self = .ineligible("the body is not a JSON object")
            return
        }
        if let n = root["n"], !n.isNull, n.integer != 1 {
            self = .ineligible("n is not 1")
            return
        }
        if !anyTemperature {
            let temperature = root["temperature"].flatMap { $0.isNull ? nil : $0 }
            guard let temperature else {
                self = .ineligible("temperature is omitted, so the provider samples at its default of 1")
                return
            }
            guard temperature.integer == 0 else {
                self = .ineligible("temperature is not 0")
                return
            }
        }
        self = .eligible
    }
}

extension ResponseCacheEligibility {
    /// Whether an answer calls tools: an OpenAI choice with `tool_calls` (or the older `function_call`) or
    /// a `tool_calls` finish, an Anthropic `tool_use` block or stop. Such an answer is only stored where a
    /// rule allows it, since replaying a tool call replays its side effects.
    public static func callsTools(_ answer: JSONDocument, dialect: Dialect) -> Bool {
        let root = answer.root
        guard root.kind == .object else { return false }
        switch dialect {
        case .openai:
            guard let choices = root["choices"], choices.kind == .array else { return false }
            for choice in choices.elements {
                let finish = choice["finish_reason"]?.string
                if finish == "tool_calls" || finish == "function_call" { return true }
                guard let message = choice["message"], message.kind == .object else { continue }
                if let calls = message["tool_calls"], calls.kind == .array, !calls.elements.isEmpty { return true }
                if let call = message["function_call"], !call.isNull { return true }
            }
            return false
        case .anthropic:
            if root["stop_reason"]?.string == "tool_use" { return true }
            guard let content = root["content"], content.kind == .array else { return false }
            return content.elements.contains { block in
                guard let type = block["type"]?.string else { return false }
                return type == "tool_use" || type == "server_tool_use"
            }
        }
    }
}
