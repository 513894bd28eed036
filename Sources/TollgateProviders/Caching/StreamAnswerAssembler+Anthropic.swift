/// A `message` assembled from its Messages stream events.
struct MessageAnswer: Sendable {
    /// Whether `message_start` arrived.
    var started = false
    /// The id, role and model from `message_start`, as written.
    var id: [UInt8] = Array("\"\"".utf8)
    var role: [UInt8] = Array("\"assistant\"".utf8)
    var model: [UInt8] = Array("\"\"".utf8)
    /// `message_start`'s usage with every later `message_delta`'s merged in.
    var usage: [UInt8]?
    var blocks: [MessageBlockAnswer] = []
    var stopReason: [UInt8] = Array("null".utf8)
    var stopSequence: [UInt8] = Array("null".utf8)
    /// Whether a `message_delta` reported the output tokens.
    var finalUsageSeen = false
    /// Whether `message_stop` arrived.
    var stopped = false
    /// Bytes of text assembled so far.
    var byteCount = 0

    /// Merges one event; false when it holds something not understood.
    /// - Parameters:
    ///   - data: The event's data.
    ///   - name: The `event:` name, which decides the event's type when present (as ``StreamMeter`` reads it).
    mutating func observe(_ data: JSONCursor, name: String?) -> Bool {
        let type = name ?? data["type"]?.string ?? ""
        guard started || type == "message_start" || type == "ping" else { return false }
        switch type {
        case "message_start": return start(data["message"])
        case "content_block_start": return startBlock(data)
        case "content_block_delta":
            guard let index = openBlock(data), let delta = data["delta"] else { return false }
            return blocks[index].observe(delta, byteCount: &byteCount)
        case "content_block_stop":
            guard let index = openBlock(data) else { return false }
            blocks[index].stopped = true
            return true
        case "message_delta": return delta(data)
        case "message_stop":
            stopped = true
            return true
        case "ping": return true
        default: return false
        }
    }

    private mutating func start(_ message: JSONCursor?) -> Bool {
        guard !started, let message, message.kind == .object else { return false }
        if let content = message["content"], !content.isNull {
            guard content.kind == .array, content.elements.isEmpty else { return false }
        }
        for (key, field) in [("id", \MessageAnswer.id), ("role", \.role), ("model", \.model)] {
            guard let value = message[key], !value.isNull else { continue }
            guard value.kind == .string else { return false }
            self[keyPath: field] = Array(value.text)
        }
        if let usage = message["usage"], !usage.isNull {
            guard usage.kind == .object else { return false }
            self.usage = Array(usage.text)
        }
        started = true
        return true
    }

    /// The index of an event's block when it is the index of a block that is open.
    private func openBlock(_ data: JSONCursor) -> Int? {
        guard let index = data["index"]?.integer, index >= 0, index < blocks.count, !blocks[Int(index)].stopped else { return nil }
        return Int(index)
    }

    private mutating func startBlock(_ data: JSONCursor) -> Bool {
        guard data["index"]?.integer == Int64(blocks.count), let block = data["content_block"],
            let answer = MessageBlockAnswer(block, byteCount: &byteCount)
        else { return false }
        blocks.append(answer)
        return true
    }

    private mutating func delta(_ data: JSONCursor) -> Bool {
        if let delta = data["delta"], !delta.isNull {
            guard delta.kind == .object, delta.hasOnlyMembers(["stop_reason", "stop_sequence"]) else { return false }
            if let reason = delta["stop_reason"] {
                guard reason.isStringOrNull else { return false }
                stopReason = Array(reason.text)
            }
            if let sequence = delta["stop_sequence"] {
                guard sequence.isStringOrNull else { return false }
                stopSequence = Array(sequence.text)
            }
        }
        guard let reported = data["usage"], !reported.isNull else { return true }
        guard reported.kind == .object else { return false }
        if reported["output_tokens"]?.integer != nil { finalUsageSeen = true }
        guard let usage, let earlier = try? JSONDocument(parsing: usage) else {
            usage = Array(reported.text)
            return true
        }
        self.usage = Self.merged(earlier.root, reported)
        return true
    }

    /// `base` with every non-null member of `overlay` written over it (objects merged member by member,
    /// as the official SDKs accumulate usage), values as written.
    static func merged(_ base: JSONCursor, _ overlay: JSONCursor) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        func member(_ key: JSONCursor, _ value: some Sequence<UInt8>) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.write(value: key)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value)
        }
        for (key, value) in base.members {
            guard let name = key.string, let replacement = overlay[name], !replacement.isNull else {
                member(key, value.text)
                continue
            }
            member(key, value.kind == .object && replacement.kind == .object ? merged(value, replacement) : Array(replacement.text))
        }
        var added: Set<String> = []
        for (key, _) in overlay.members {
            guard let name = key.string, base[name] == nil, let value = overlay[name], !value.isNull, added.insert(name).inserted else { continue }
            member(key, value.text)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The `message` body; nil unless the message started, every block stopped, the output tokens were
    /// reported and `message_stop` arrived.
    func body() -> [UInt8]? {
        guard started, stopped, finalUsageSeen, let usage, blocks.allSatisfy(\.stopped) else { return nil }
        var out: [UInt8] = []
        out.write("{\"id\":")
        out += id
        out.write(",\"type\":\"message\",\"role\":")
        out += role
        out.write(",\"model\":")
        out += model
        out.write(",\"content\":[")
        for (position, block) in blocks.enumerated() {
            guard let text = block.body() else { return nil }
            if position > 0 { out.write(",") }
            out += text
        }
        out.write("],\"stop_reason\":")
        out += stopReason
        out.write(",\"stop_sequence\":")
        out += stopSequence
        out.write(",\"usage\":")
        out += usage
        out.write("}")
        return out
    }
}

/// One content block of a message, built from its `content_block_start` and deltas.
struct MessageBlockAnswer: Sendable {
    /// The block types the assembler understands.
    enum Kind: Sendable {
        case text, toolUse, thinking, redactedThinking
    }

    var kind: Kind
    /// `"id":…,"name":…` of a tool use; the whole block of redacted thinking; empty otherwise.
    var head: [UInt8] = []
    /// Raw string contents (escapes kept) of the text, the thinking, or the tool input's `partial_json` joined.
    var text: [UInt8] = []
    /// The thinking's signature, when the block has one.
    var signature: [UInt8]?
    /// A tool use's input as `content_block_start` gave it, when not empty (then no input deltas may follow).
    var startInput: [UInt8]?
    /// Whether `content_block_stop` arrived.
    var stopped = false

    /// Reads a `content_block_start`'s block; nil for a block type or field not understood.
    init?(_ block: JSONCursor, byteCount: inout Int) {
        guard block.kind == .object, let type = block["type"]?.string else { return nil }
        switch type {
        case "text":
            guard block.hasOnlyMembers(["type", "text"]), let text = block["text"]?.stringContents else { return nil }
            kind = .text
            self.text = Array(text)
        case "tool_use":
            guard block.hasOnlyMembers(["type", "id", "name", "input"]), let id = block["id"], id.kind == .string,
                let name = block["name"], name.kind == .string, let input = block["input"], input.kind == .object
            else { return nil }
            kind = .toolUse
            head.write(member: "id", value: id)
            head.write(",")
            head.write(member: "name", value: name)
            if !input.members.isEmpty { startInput = Array(input.text) }
        case "thinking":
            guard block.hasOnlyMembers(["type", "thinking", "signature"]), let thinking = block["thinking"]?.stringContents else { return nil }
            kind = .thinking
            text = Array(thinking)
            if let signature = block["signature"], !signature.isNull {
                guard let contents = signature.stringContents else { return nil }
                self.signature = Array(contents)
            }
        case "redacted_thinking":
            kind = .redactedThinking
            head = Array(block.text)
        default:
            return nil
        }
        byteCount += head.count + text.count + (signature?.count ?? 0) + (startInput?.count ?? 0)
    }

    /// Merges one `content_block_delta`; false for a delta type that does not belong to the block.
    mutating func observe(_ delta: JSONCursor, byteCount: inout Int) -> Bool {
        guard delta.kind == .object, let type = delta["type"]?.string else { return false }
        let field: String
        switch (kind, type) {
        case (.text, "text_delta"): field = "text"
        case (.toolUse, "input_json_delta") where startInput == nil: field = "partial_json"
        case (.thinking, "thinking_delta"): field = "thinking"
        case (.thinking, "signature_delta"): field = "signature"
        default: return false
        }
        guard delta.hasOnlyMembers(["type", field]), let contents = delta[field]?.stringContents else { return false }
        if field == "signature" {
            if signature == nil { signature = [] }
            signature?.append(contentsOf: contents)
        } else {
            text.append(contentsOf: contents)
        }
        byteCount += contents.count
        return true
    }

    /// The block as a message holds it; nil for a tool input that is not a JSON object.
    func body() -> [UInt8]? {
        var out: [UInt8] = []
        switch kind {
        case .text:
            out.write("{\"type\":\"text\",\"text\":")
            out.write(stringContents: text)
        case .toolUse:
            out.write("{\"type\":\"tool_use\",")
            out += head
            out.write(",\"input\":")
            guard let input = input() else { return nil }
            out += input
        case .thinking:
            out.write("{\"type\":\"thinking\",\"thinking\":")
            out.write(stringContents: text)
            if let signature {
                out.write(",\"signature\":")
                out.write(stringContents: signature)
            }
        case .redactedThinking:
            return head
        }
        out.write("}")
        return out
    }

    /// A tool use's input: the joined `partial_json` when there was any (it must be a JSON object),
    /// else the input `content_block_start` gave, else `{}`.
    private func input() -> [UInt8]? {
        guard !text.isEmpty else { return startInput ?? Array("{}".utf8) }
        let decoded = JSONStringDecoder.decode(text[...])
        guard let document = try? JSONDocument(parsing: decoded), document.root.kind == .object else { return nil }
        return Array(document.root.text)
    }
}
