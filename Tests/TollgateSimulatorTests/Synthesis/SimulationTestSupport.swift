import TollgateCore
import TollgateProviders

@testable import TollgateSimulator

/// Builders shared by the simulation tests.
enum SimulationFixture {
    /// Encodes a JSON object (built from literals) as UTF-8 bytes.
    static func bytes(_ json: String) -> [UInt8] { Array(json.utf8) }

    /// An OpenAI chat body with the given messages (role, content string).
    static func openAIChat(
        model: String = "gpt-4o-mini",
        messages: [(String, String)],
        extra: String = ""
    ) -> [UInt8] {
        let list = messages.map { "{\"role\":\(JSONText.quote($0.0)),\"content\":\(JSONText.quote($0.1))}" }.joined(separator: ",")
        return bytes("{\"model\":\(JSONText.quote(model)),\"messages\":[\(list)]\(extra)}")
    }

    /// A string of exactly `tokens` estimated tokens (4 bytes each), distinct per `seed`.
    static func text(tokens: Int, seed: String = "a") -> String {
        let unit = String((seed + "xxxx").prefix(4))
        return String(repeating: unit, count: tokens)
    }
}
