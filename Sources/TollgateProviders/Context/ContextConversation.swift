import TollgateCore

/// A request's conversation as a context budget reads it: its messages with what the strategies need
/// to know of each, the protected prefix (never edited) and the latest input (never dropped or cut).
struct ContextConversation {
    /// One message of `messages`.
    struct Message {
        /// The message object.
        let cursor: JSONCursor
        /// Its role.
        let role: String
        /// Bytes of prompt text the gateway's input estimate counts.
        let textBytes: Int
        /// The ids of the tool calls it makes and of the calls whose results it carries.
        let toolIDs: Set<String>
        /// Whether it carries tool results (an OpenAI `tool` or `function` message; an Anthropic message
        /// with `tool_result` blocks).
        let carriesToolResults: Bool
        /// Whether one of its blocks is a prompt-cache breakpoint (Anthropic `cache_control`).
        let hasCacheBreakpoint: Bool
        /// The values holding its tool results: strings, or arrays of parts.
        let toolResults: [JSONCursor]
        /// Its tool calls' arguments written as JSON text (OpenAI `function.arguments`).
        let callArguments: [JSONCursor]
    }

    /// The body.
    let document: JSONDocument
    /// Its dialect.
    let dialect: Dialect
    /// The `messages` array.
    let messagesArray: JSONCursor
    /// Its messages, in order.
    let messages: [Message]
    /// Bytes of system prompt text outside `messages` (Anthropic `system`).
    let systemBytes: Int
    /// The system prompt's texts outside `messages`, for finding repeats of them.
    let systemTexts: [String]
    /// How many messages at the front are the protected prefix.
    let protectedCount: Int
    /// Whether the protected prefix is a prompt-cache prefix (always for OpenAI, whose cache is automatic;
    /// for Anthropic, when the body has a `cache_control` breakpoint).
    let prefixIsCached: Bool
    /// The positions of the latest input: the last `user` message, and after it (Anthropic) everything, or
    /// (OpenAI) the tool results that end the conversation.
    let latestInput: Set<Int>

    /// Reads a body.
    /// - Parameters:
    ///   - bytes: The request body.
    ///   - dialect: Its dialect.
    ///   - protectedCount: The protected prefix found in the caller's body, when this is a body already
    ///     edited from it (the strategies never touch the prefix, so it stays what it was).
    /// - Throws: ``ContextShapeError`` when the body is not JSON or not a conversation of the dialect.
    init(bytes: [UInt8], dialect: Dialect, protectedCount: Int? = nil) throws(ContextShapeError) {
        do {
            document = try JSONDocument(parsing: bytes)
        } catch {
            throw ContextShapeError("the body is not valid JSON: \(error)")
        }
        let root = document.root
        guard root.kind == .object else { throw ContextShapeError("the body is not a JSON object") }
        if let key = root.repeatedKey(among: ["messages", "system"]) { throw ContextShapeError("the body repeats '\(key)'") }
        guard let array = root["messages"], array.kind == .array, !array.elements.isEmpty else {
            throw ContextShapeError("the body has no messages array")
        }
        self.dialect = dialect
        messagesArray = array
        let top = try dialect == .openai ? Self.openAITopLevel(root) : Self.anthropicTopLevel(root)
        var read: [Message] = []
        for (i, message) in array.elements.enumerated() {
            read.append(try dialect == .openai ? Self.openAIMessage(message, at: i) : Self.anthropicMessage(message, at: i))
        }
        messages = read
        systemBytes = top.systemBytes
        systemTexts = top.systemTexts
        let found = Self.prefix(of: messages, dialect: dialect, wholeConversationCached: top.wholeConversationCached)
        self.protectedCount = min(protectedCount ?? found, messages.count)
        prefixIsCached = dialect == .openai || top.hasBreakpoint || messages.contains(where: \.hasCacheBreakpoint)
        latestInput = Self.latestInput(of: messages, dialect: dialect)
    }

    /// What a dialect's top-level fields contribute.
    struct TopLevel {
        var systemBytes = 0
        var systemTexts: [String] = []
        /// A breakpoint outside `messages` (on the system prompt or a tool).
        var hasBreakpoint = false
        /// A top-level `cache_control`, which caches the conversation up to its end.
        var wholeConversationCached = false
    }

    /// How many messages open the conversation as its protected prefix: OpenAI's leading system and
    /// developer messages; for Anthropic, every message up to and including the last breakpoint.
    private static func prefix(of messages: [Message], dialect: Dialect, wholeConversationCached: Bool) -> Int {
        switch dialect {
        case .openai:
            return messages.firstIndex { $0.role != "system" && $0.role != "developer" } ?? messages.count
        case .anthropic:
            if wholeConversationCached { return messages.count }
            return messages.lastIndex(where: \.hasCacheBreakpoint).map { $0 + 1 } ?? 0
        }
    }

    private static func latestInput(of messages: [Message], dialect: Dialect) -> Set<Int> {
        guard let lastUser = messages.lastIndex(where: { $0.role == "user" }) else { return Set(messages.indices) }
        switch dialect {
        case .anthropic:
            return Set(lastUser..<messages.count)
        case .openai:
            var latest: Set<Int> = [lastUser]
            var i = messages.count - 1
            while i > lastUser, messages[i].carriesToolResults {
                latest.insert(i)
                i -= 1
            }
            return latest
        }
    }

    // MARK: Measures

    /// The input tokens the gateway estimates for this body.
    var tokens: Int64 { TokenEstimator.tokens(byteCount: systemBytes + messages.reduce(0) { $0 + $1.textBytes }) }

    /// The estimated tokens of the protected prefix (the system prompt and the protected messages).
    var protectedTokens: Int64 {
        TokenEstimator.tokens(byteCount: systemBytes + messages[..<protectedCount].reduce(0) { $0 + $1.textBytes })
    }

    /// Whether a strategy may edit or drop the message at `index`.
    func isEditable(_ index: Int) -> Bool { index >= protectedCount && !latestInput.contains(index) }
}

/// Why a body is left as it is: not JSON, or not a conversation of its dialect.
struct ContextShapeError: Error, Sendable {
    /// What is wrong, in words.
    let reason: String

    init(_ reason: String) { self.reason = reason }
}
