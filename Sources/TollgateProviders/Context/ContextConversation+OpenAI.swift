/// Reading an OpenAI chat completions conversation.
extension ContextConversation {
    /// The roles a chat message may have.
    static let openAIRoles: Set<String> = ["system", "developer", "user", "assistant", "tool", "function"]

    /// OpenAI keeps its instructions in `messages`: nothing at the top level counts.
    static func openAITopLevel(_ root: JSONCursor) throws(ContextShapeError) -> TopLevel {
        TopLevel()
    }

    /// Reads one chat message: its role, content, tool calls and the call a tool message answers.
    static func openAIMessage(_ message: JSONCursor, at i: Int) throws(ContextShapeError) -> Message {
        let path = "messages[\(i)]"
        guard message.kind == .object else { throw ContextShapeError("\(path) is not an object") }
        guard let role = message["role"]?.string else { throw ContextShapeError("\(path) has no role") }
        guard openAIRoles.contains(role) else { throw ContextShapeError("\(path) has the unknown role '\(role)'") }
        let content = message["content"].flatMap { $0.isNull ? nil : $0 }
        if let content, content.kind != .string, content.kind != .array {
            throw ContextShapeError("\(path).content is neither a string nor an array")
        }
        var ids: Set<String> = []
        var arguments: [JSONCursor] = []
        if let calls = message["tool_calls"], !calls.isNull {
            guard calls.kind == .array else { throw ContextShapeError("\(path).tool_calls is not an array") }
            for call in calls.elements {
                guard call.kind == .object else { throw ContextShapeError("\(path).tool_calls has an element that is not an object") }
                if let id = call["id"]?.string { ids.insert(id) }
                if let text = call["function"]?["arguments"], text.kind == .string { arguments.append(text) }
            }
        }
        let isResult = role == "tool" || role == "function"
        if role == "tool", let id = message["tool_call_id"]?.string { ids.insert(id) }
        return Message(
            cursor: message, role: role, textBytes: OpenAIChatProbe.promptTextBytes(message), toolIDs: ids, carriesToolResults: isResult,
            hasCacheBreakpoint: false, toolResults: isResult ? content.map { [$0] } ?? [] : [], callArguments: arguments)
    }
}
