/// Reading an Anthropic messages conversation.
extension ContextConversation {
    /// The system prompt's text, and the breakpoints outside `messages` (system blocks, tools, the top level).
    static func anthropicTopLevel(_ root: JSONCursor) throws(ContextShapeError) -> TopLevel {
        var top = TopLevel()
        if let system = root["system"], !system.isNull {
            switch system.kind {
            case .string:
                top.systemTexts = [system.string ?? ""]
            case .array:
                top.systemTexts = system.elements.compactMap { $0["text"]?.string }
                top.hasBreakpoint = system.elements.contains(where: isBreakpoint)
            default:
                throw ContextShapeError("system is neither a string nor an array of text blocks")
            }
            top.systemBytes = PromptText.bytes(system)
        }
        if let tools = root["tools"], tools.kind == .array, tools.elements.contains(where: isBreakpoint) { top.hasBreakpoint = true }
        if let marker = root["cache_control"], !marker.isNull {
            top.hasBreakpoint = true
            top.wholeConversationCached = true
        }
        return top
    }

    /// Reads one message: its role, its blocks' tool ids and results, and whether it holds a breakpoint.
    static func anthropicMessage(_ message: JSONCursor, at i: Int) throws(ContextShapeError) -> Message {
        let path = "messages.\(i)"
        guard message.kind == .object else { throw ContextShapeError("\(path) is not an object") }
        guard let role = message["role"]?.string else { throw ContextShapeError("\(path) has no role") }
        guard role == "user" || role == "assistant" else { throw ContextShapeError("\(path) has the unknown role '\(role)'") }
        guard let content = message["content"], content.kind == .string || content.kind == .array else {
            throw ContextShapeError("\(path).content is neither a string nor an array of content blocks")
        }
        var ids: Set<String> = []
        var results: [JSONCursor] = []
        var breakpoint = false
        for block in content.elements {
            guard block.kind == .object else { throw ContextShapeError("\(path).content has a block that is not an object") }
            breakpoint = breakpoint || isBreakpoint(block)
            switch block["type"]?.string {
            case "tool_use":
                if let id = block["id"]?.string { ids.insert(id) }
            case "tool_result":
                if let id = block["tool_use_id"]?.string { ids.insert(id) }
                guard let result = block["content"], !result.isNull else { continue }
                results.append(result)
                breakpoint = breakpoint || result.elements.contains(where: isBreakpoint)
            default:
                continue
            }
        }
        let carriesResults = content.elements.contains { $0["type"]?.string == "tool_result" }
        return Message(
            cursor: message, role: role, textBytes: PromptText.bytes(content), toolIDs: ids, carriesToolResults: carriesResults,
            hasCacheBreakpoint: breakpoint, toolResults: results, callArguments: [])
    }

    /// Whether a block carries a `cache_control` breakpoint.
    static func isBreakpoint(_ block: JSONCursor) -> Bool {
        guard let marker = block["cache_control"] else { return false }
        return !marker.isNull
    }
}
