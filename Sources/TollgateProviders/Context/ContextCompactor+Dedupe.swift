/// `dedupe_instructions`: an instruction block repeated verbatim keeps its first occurrence only.
extension ContextCompactor {
    /// Texts shorter than this are never taken for repeated instructions: short texts ("yes", "go on")
    /// repeat by nature and mean something each time.
    static let minimumInstructionBytes = 64

    /// An instruction block of a message: all its content (a string), or one text part.
    private struct Block {
        /// The part's position in the content array; nil for a string content.
        let part: Int?
        let text: String
    }

    /// Removes every instruction block after the protected prefix and before the latest input whose text
    /// came before (in the system prompt or any earlier message): a system or developer message goes
    /// whole, a text part of a user message goes unless it would leave the message empty.
    static func dedupeInstructions(_ conversation: ContextConversation) -> JSONEdits? {
        var seen = Set(conversation.systemTexts.filter { $0.utf8.count >= minimumInstructionBytes })
        var edits = JSONEdits(conversation.document)
        var droppedMessages: Set<Int> = []
        for (i, message) in conversation.messages.enumerated() {
            let isInstruction = message.role == "system" || message.role == "developer"
            guard isInstruction || message.role == "user", let content = message.cursor["content"] else { continue }
            var repeated: Set<Int> = []
            var wholeRepeated = false
            for block in blocks(of: content) where block.text.utf8.count >= minimumInstructionBytes {
                guard conversation.isEditable(i), seen.contains(block.text) else {
                    seen.insert(block.text)
                    continue
                }
                if let part = block.part { repeated.insert(part) } else { wholeRepeated = true }
            }
            if wholeRepeated || (!repeated.isEmpty && repeated.count == content.elements.count) {
                if isInstruction { droppedMessages.insert(i) }
            } else if !repeated.isEmpty {
                edits.remove(elements: repeated, from: content)
            }
        }
        edits.remove(elements: droppedMessages, from: conversation.messagesArray)
        return edits.isEmpty ? nil : edits
    }

    /// The blocks of a content value: a string whole, or each text part of an array.
    private static func blocks(of content: JSONCursor) -> [Block] {
        if let text = content.string { return [Block(part: nil, text: text)] }
        return content.elements.enumerated().compactMap { k, part in
            guard part["type"]?.string == "text", let text = part["text"]?.string else { return nil }
            return Block(part: k, text: text)
        }
    }
}
