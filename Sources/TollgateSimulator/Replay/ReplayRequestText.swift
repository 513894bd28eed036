#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The prompt text of a chat request, as matched against recorded prompts: the text of every user turn,
/// joined with `"\n"`.
///
/// A turn's text is its string content, or the `text` of its parts or blocks joined with `"\n"`. System
/// and developer messages (and Anthropic's `system`), assistant turns and tool results are left out,
/// so a system prompt a gateway adds does not stop a recording from matching.
enum ReplayRequestText {
    /// The user text of an OpenAI Chat Completions body, or `nil` when the body does not decode.
    static func openAIChat(json: some Sequence<UInt8>) -> String? {
        guard let body = decode(OpenAIBody.self, json) else { return nil }
        return join(body.messages?.filter { $0.role == "user" }.map { $0.content?.text ?? "" })
    }

    /// The user text of an Anthropic Messages body, or `nil` when the body does not decode.
    static func anthropicMessages(json: some Sequence<UInt8>) -> String? {
        guard let body = decode(AnthropicBody.self, json) else { return nil }
        return join(body.messages?.filter { $0.role == "user" }.map { $0.content?.text ?? "" })
    }

    /// The user text of an OpenAI Responses body (a string `input` is one user turn), or `nil` when it does not decode.
    static func openAIResponses(json: some Sequence<UInt8>) -> String? {
        guard let body = decode(ResponsesBody.self, json) else { return nil }
        switch body.input {
        case .text(let text)?: return text
        case .items(let items)?: return join(items.filter { $0.role == "user" }.map { $0.content?.text ?? "" })
        case nil: return nil
        }
    }

    private static func join(_ turns: [String]?) -> String? {
        turns.map { $0.joined(separator: "\n") }
    }

    private static func decode<Body: Decodable>(_ type: Body.Type, _ json: some Sequence<UInt8>) -> Body? {
        let bytes = Array(json)
        return try? JSONDecoder().decode(Body.self, from: Data(SimulationDuplicateKeys.lastWins(bytes) ?? bytes))
    }

    private struct OpenAIBody: Decodable {
        struct Message: Decodable {
            var role: String?
            var content: SimulationWire.OpenAIContent?
        }
        var messages: [Message]?
    }

    private struct AnthropicBody: Decodable {
        struct Message: Decodable {
            var role: String?
            var content: SimulationWire.AnthropicContent?
        }
        var messages: [Message]?
    }

    private struct ResponsesBody: Decodable {
        enum Input: Decodable {
            case text(String)
            case items([Item])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self = .text(text)
                } else {
                    self = .items(try container.decode([Item].self))
                }
            }
        }

        struct Item: Decodable {
            private enum CodingKeys: String, CodingKey {
                case role
                case content
            }

            var role: String?
            var content: SimulationWire.OpenAIContent?

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                role = try? container.decodeIfPresent(String.self, forKey: .role)
                content = try? container.decodeIfPresent(SimulationWire.OpenAIContent.self, forKey: .content)
            }
        }

        var input: Input?
    }
}

extension SimulationWire.OpenAIContent {
    /// The content's text: the string, or the parts' `text` joined with `"\n"`.
    fileprivate var text: String {
        switch self {
        case .text(let text): text
        case .parts(let parts): parts.compactMap(\.text).joined(separator: "\n")
        }
    }
}

extension SimulationWire.AnthropicContent {
    /// The content's text: the string, or the blocks' own `text` joined with `"\n"` (tool results left out).
    fileprivate var text: String {
        switch self {
        case .text(let text): text
        case .blocks(let blocks): blocks.compactMap(\.text).joined(separator: "\n")
        }
    }
}
