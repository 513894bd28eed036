/// The API dialect a caller speaks, which decides how requests, responses, streams and errors look.
public enum Dialect: String, Sendable, Hashable, Codable, CaseIterable {
    /// OpenAI's Chat Completions, Embeddings and Models APIs (and every OpenAI-compatible provider).
    case openai
    /// Anthropic's Messages API.
    case anthropic
}
