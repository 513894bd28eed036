public import TollgateCore

extension RequestTraits {
    /// The traits of a request body: whether it offers tools (`tools`, or OpenAI's older `functions`) and
    /// whether a message carries an image part (`image_url`, `input_image`, Anthropic `image`, nested in
    /// tool results too). A body that does not parse has neither.
    public init(body: JSONDocument) {
        self.init()
        let root = body.root
        guard root.kind == .object else { return }
        tools = ["tools", "functions"].contains { key in
            guard let list = root[key], list.kind == .array else { return false }
            return !list.elements.isEmpty
        }
        let turns = root["messages"] ?? root["input"]
        images = turns.map { Self.hasImage($0, depth: 0) } ?? false
    }

    /// Whether a content value holds an image part.
    static func hasImage(_ value: JSONCursor, depth: Int) -> Bool {
        guard depth < 8 else { return false }
        switch value.kind {
        case .array:
            return value.elements.contains { hasImage($0, depth: depth + 1) }
        case .object:
            if let type = value["type"]?.string, imageTypes.contains(type) { return true }
            return value["content"].map { hasImage($0, depth: depth + 1) } ?? false
        default:
            return false
        }
    }

    static let imageTypes: Set<String> = ["image_url", "input_image", "image"]
}

/// The text a learned router reads from a request: the user's turns, in order, joined by new lines
/// (string contents and `text` parts; tool results and images are left out).
public enum RoutingPromptText {
    /// The users' text of a chat completions, messages or responses body; nil when it has none.
    /// - Parameter maxBytes: Reading stops once this much text is collected.
    public static func text(_ body: JSONDocument, maxBytes: Int = 8_192) -> String? {
        let root = body.root
        guard root.kind == .object else { return nil }
        if let input = root["input"], input.kind == .string { return input.string }
        guard let turns = root["messages"] ?? root["input"], turns.kind == .array else { return nil }
        var parts: [String] = []
        var bytes = 0
        for turn in turns.elements where turn["role"]?.string == "user" {
            for text in texts(turn["content"]) {
                parts.append(text)
                bytes += text.utf8.count
            }
            if bytes >= maxBytes { break }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }

    /// The text parts of one message's content.
    static func texts(_ content: JSONCursor?) -> [String] {
        guard let content else { return [] }
        switch content.kind {
        case .string:
            return content.string.map { [$0] } ?? []
        case .array:
            return content.elements.compactMap { part in
                guard part.kind == .object, let type = part["type"]?.string, type == "text" || type == "input_text" else { return nil }
                return part["text"]?.string
            }
        default:
            return []
        }
    }
}
