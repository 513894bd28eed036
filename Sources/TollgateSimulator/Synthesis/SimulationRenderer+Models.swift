import TollgateCore
public import TollgateProviders

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
            let entries = openAIModels.map { modelObject(id: $0, dialect: .openai) }
            return "{\"object\":\"list\",\"data\":[" + entries.joined(separator: ",") + "]}"
        case .anthropic:
            let entries = anthropicModels.map { modelObject(id: $0, dialect: .anthropic) }
            return "{\"data\":[" + entries.joined(separator: ",") + "],\"has_more\":false,"
                + "\"first_id\":\(JSONText.quote(anthropicModels.first ?? "")),\"last_id\":\(JSONText.quote(anthropicModels.last ?? ""))}"
        }
    }

    /// One listed model (`GET /v1/models/{id}`) in `dialect`'s shape, or `nil` when the id is not listed.
    ///
    /// OpenAI: `{"id","object":"model","created","owned_by"}`; Anthropic: `{"id","type":"model","display_name","created_at"}`.
    /// - Parameters:
    ///   - id: The model id from the path.
    ///   - dialect: Chosen by the request's `anthropic-version` header.
    public static func model(id: String, dialect: Dialect) -> String? {
        let known = dialect == .openai ? openAIModels : anthropicModels
        return known.contains(id) ? modelObject(id: id, dialect: dialect) : nil
    }

    private static func modelObject(id: String, dialect: Dialect) -> String {
        switch dialect {
        case .openai:
            "{\"id\":\(JSONText.quote(id)),\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"tollgate-simulator\"}"
        case .anthropic:
            "{\"id\":\(JSONText.quote(id)),\"type\":\"model\",\"display_name\":\(JSONText.quote(displayName(id))),"
                + "\"created_at\":\"2025-09-29T00:00:00Z\"}"
        }
    }

    private static func displayName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}
