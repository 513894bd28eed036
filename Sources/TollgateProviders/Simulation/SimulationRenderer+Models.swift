import TollgateCore
extension SimulationRenderer {
    /// The models the simulator lists on `GET /v1/models` for OpenAI clients (it answers any model name).
    public static let openAIModels: [String] = [
        "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o1", "o3-mini", "o4-mini",
        "text-embedding-3-small", "text-embedding-3-large",
    ]

    /// The models the simulator lists on `GET /v1/models` for Anthropic clients.
    public static let anthropicModels: [String] = [
        "claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-3-5-haiku-latest",
    ]

    /// The model list in `dialect`'s shape: OpenAI `{"object":"list","data":[...]}` or Anthropic
    /// `{"data":[...],"has_more":false,"first_id","last_id"}`.
    /// - Parameter dialect: Chosen by the request's `anthropic-version` header.
    public static func models(dialect: Dialect) -> String {
        switch dialect {
        case .openai:
            let entries = openAIModels.map {
                "{\"id\":\(JSONText.quote($0)),\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"tollgate-simulator\"}"
            }
            return "{\"object\":\"list\",\"data\":[" + entries.joined(separator: ",") + "]}"
        case .anthropic:
            let entries = anthropicModels.map {
                "{\"id\":\(JSONText.quote($0)),\"type\":\"model\",\"display_name\":\(JSONText.quote(displayName($0))),"
                    + "\"created_at\":\"2025-09-29T00:00:00Z\"}"
            }
            return "{\"data\":[" + entries.joined(separator: ",") + "],\"has_more\":false,"
                + "\"first_id\":\(JSONText.quote(anthropicModels.first ?? "")),\"last_id\":\(JSONText.quote(anthropicModels.last ?? ""))}"
        }
    }

    private static func displayName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
