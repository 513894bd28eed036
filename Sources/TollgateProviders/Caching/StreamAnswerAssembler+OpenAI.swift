/// A `chat.completion` assembled from its `chat.completion.chunk`s.
struct ChatAnswer: Sendable {
    /// The id, created time, model, system fingerprint and service tier, as the chunks carry them.
    var id: [UInt8]?
    var created: [UInt8]?
    var model: [UInt8]?
    var systemFingerprint: [UInt8]?
    var serviceTier: [UInt8]?
    /// The usage object, as written.
    var usage: [UInt8]?
    var choices: [Int: ChatChoiceAnswer] = [:]
    /// Bytes of text assembled so far.
    var byteCount = 0

    /// The most choices a request may ask for (OpenAI's `n` is at most 128); a higher index is not understood.
    static let maxChoices = 128

    /// Merges one chunk; false when it is an error or holds something not understood.
    mutating func observe(_ chunk: JSONCursor) -> Bool {
        if let error = chunk["error"], !error.isNull { return false }
        recordMetadata(chunk)
        if let usage = chunk["usage"], !usage.isNull {
            guard usage.kind == .object else { return false }
            self.usage = Array(usage.text)
        }
        guard let list = chunk["choices"], !list.isNull else { return true }
        guard list.kind == .array else { return false }
        for choice in list.elements {
            guard choice.kind == .object, let index = choice["index"]?.integer, index >= 0, index < Self.maxChoices else { return false }
            guard choices[Int(index), default: ChatChoiceAnswer()].observe(choice, byteCount: &byteCount) else { return false }
        }
        return true
    }

    /// Keeps the first non-empty id and model, the first positive created time, and the first
    /// non-null system fingerprint and service tier.
    private mutating func recordMetadata(_ chunk: JSONCursor) {
        func nonEmptyString(_ key: String) -> [UInt8]? {
            guard let value = chunk[key], let contents = value.stringContents, !contents.isEmpty else { return nil }
            return Array(value.text)
        }
        func nonNull(_ key: String) -> [UInt8]? {
            guard let value = chunk[key], !value.isNull else { return nil }
            return Array(value.text)
        }
        if id == nil { id = nonEmptyString("id") }
        if model == nil { model = nonEmptyString("model") }
        if systemFingerprint == nil { systemFingerprint = nonNull("system_fingerprint") }
        if serviceTier == nil { serviceTier = nonNull("service_tier") }
        if created == nil, let value = chunk["created"], let seconds = value.integer, seconds > 0 { created = Array(value.text) }
    }

    /// The `chat.completion` body; nil without usage, or unless choices 0…n−1 all finished.
    func body() -> [UInt8]? {
        guard let usage, !choices.isEmpty, choices.keys.max() == choices.count - 1 else { return nil }
        var out: [UInt8] = []
        out.write("{\"id\":")
        out += id ?? Array("\"\"".utf8)
        out.write(",\"object\":\"chat.completion\",\"created\":")
        out += created ?? Array("0".utf8)
        out.write(",\"model\":")
        out += model ?? Array("\"\"".utf8)
        if let systemFingerprint {
            out.write(",\"system_fingerprint\":")
            out += systemFingerprint
        }
        if let serviceTier {
            out.write(",\"service_tier\":")
            out += serviceTier
        }
        out.write(",\"choices\":[")
        for index in 0..<choices.count {
            guard let choice = choices[index]?.body(index: index) else { return nil }
            if index > 0 { out.write(",") }
            out += choice
        }
        out.write("],\"usage\":")
        out += usage
        out.write("}")
        return out
    }
}

/// One choice of a chat completion, merged from its deltas.
struct ChatChoiceAnswer: Sendable {
    var role: [UInt8]?
    /// Raw string contents (escapes kept) of the content, reasoning and refusal deltas joined.
    var content: [UInt8]?
    var reasoning: [UInt8]?
    var refusal: [UInt8]?
    /// Whether a delta carried `refusal` at all (`null` included), so the message does too.
    var refusalMentioned = false
    var toolCalls: [Int: ToolCallAnswer] = [:]
    var logprobs: LogprobsAnswer?
    var finishReason: [UInt8]?

    private static let deltaKeys: Set<String> = ["role", "content", "refusal", "reasoning_content", "tool_calls", "annotations"]

    /// Merges one chunk's entry for this choice; false when it holds something not understood.
    mutating func observe(_ choice: JSONCursor, byteCount: inout Int) -> Bool {
        if let delta = choice["delta"], !delta.isNull {
            guard delta.kind == .object, delta.hasOnlyMembers(Self.deltaKeys) else { return false }
            // Nothing may be added to a choice once it has finished.
            if finishReason != nil, !delta.members.allSatisfy({ $0.value.isNull || $0.value.range.count == 2 }) { return false }
            guard merge(delta, byteCount: &byteCount) else { return false }
        }
        if let logprobs = choice["logprobs"], !logprobs.isNull {
            if self.logprobs == nil { self.logprobs = LogprobsAnswer() }
            guard self.logprobs?.observe(logprobs, byteCount: &byteCount) == true else { return false }
        }
        guard let reason = choice["finish_reason"], !reason.isNull else { return true }
        guard reason.kind == .string, finishReason.map({ $0.elementsEqual(reason.text) }) ?? true else { return false }
        finishReason = Array(reason.text)
        return true
    }

    private mutating func merge(_ delta: JSONCursor, byteCount: inout Int) -> Bool {
        if let value = delta["role"], !value.isNull {
            guard value.kind == .string, role.map({ $0.elementsEqual(value.text) }) ?? true else { return false }
            role = Array(value.text)
        }
        guard Self.append(delta["content"], to: &content, byteCount: &byteCount),
            Self.append(delta["reasoning_content"], to: &reasoning, byteCount: &byteCount),
            Self.append(delta["refusal"], to: &refusal, byteCount: &byteCount)
        else { return false }
        if delta["refusal"] != nil { refusalMentioned = true }
        if let annotations = delta["annotations"], !annotations.isNull {
            guard annotations.kind == .array, annotations.elements.isEmpty else { return false }
        }
        guard let calls = delta["tool_calls"], !calls.isNull else { return true }
        guard calls.kind == .array else { return false }
        for call in calls.elements {
            guard call.kind == .object, let index = call["index"]?.integer, index >= 0, index < ChatAnswer.maxChoices else { return false }
            guard toolCalls[Int(index), default: ToolCallAnswer()].observe(call, byteCount: &byteCount) else { return false }
        }
        return true
    }

    /// Appends a string delta's raw contents; `null` and absence add nothing, anything else is not understood.
    static func append(_ value: JSONCursor?, to text: inout [UInt8]?, byteCount: inout Int) -> Bool {
        guard let value, !value.isNull else { return true }
        guard let contents = value.stringContents else { return false }
        if text == nil { text = [] }
        text?.append(contentsOf: contents)
        byteCount += contents.count
        return true
    }

    /// `{"index","message":{…},"logprobs","finish_reason"}`; nil unless finished with whole tool calls 0…n−1.
    func body(index: Int) -> [UInt8]? {
        guard let finishReason else { return nil }
        var out: [UInt8] = []
        out.write("{\"index\":\(index),\"message\":{\"role\":")
        out += role ?? Array("\"assistant\"".utf8)
        out.write(",\"content\":")
        if let content { out.write(stringContents: content) } else { out.write("null") }
        if let reasoning {
            out.write(",\"reasoning_content\":")
            out.write(stringContents: reasoning)
        }
        if !toolCalls.isEmpty {
            guard toolCalls.keys.max() == toolCalls.count - 1 else { return nil }
            out.write(",\"tool_calls\":[")
            for position in 0..<toolCalls.count {
                guard let call = toolCalls[position]?.body() else { return nil }
                if position > 0 { out.write(",") }
                out += call
            }
            out.write("]")
        }
        if refusalMentioned {
            out.write(",\"refusal\":")
            if let refusal { out.write(stringContents: refusal) } else { out.write("null") }
        }
        out.write("},\"logprobs\":")
        out += logprobs?.body() ?? Array("null".utf8)
        out.write(",\"finish_reason\":")
        out += finishReason
        out.write("}")
        return out
    }
}

/// One tool call of a choice, merged from its deltas: the id, type and name once, the arguments joined.
struct ToolCallAnswer: Sendable {
    var id: [UInt8]?
    var type: [UInt8]?
    var name: [UInt8]?
    var arguments: [UInt8]?

    /// Merges one delta; false when it holds something not understood or contradicts an earlier one.
    mutating func observe(_ call: JSONCursor, byteCount: inout Int) -> Bool {
        guard call.hasOnlyMembers(["index", "id", "type", "function"]), Self.keep(call["id"], in: &id), Self.keep(call["type"], in: &type)
        else { return false }
        guard let function = call["function"], !function.isNull else { return true }
        guard function.kind == .object, function.hasOnlyMembers(["name", "arguments"]), Self.keep(function["name"], in: &name) else {
            return false
        }
        return ChatChoiceAnswer.append(function["arguments"], to: &arguments, byteCount: &byteCount)
    }

    /// Keeps the first non-empty string; a later empty or equal one is fine, a different one is not understood.
    private static func keep(_ value: JSONCursor?, in field: inout [UInt8]?) -> Bool {
        guard let value, !value.isNull else { return true }
        guard let contents = value.stringContents else { return false }
        if contents.isEmpty { return true }
        guard let kept = field else {
            field = Array(value.text)
            return true
        }
        return kept.elementsEqual(value.text)
    }

    /// `{"id","type","function":{"name","arguments"}}`; nil without an id or a name.
    func body() -> [UInt8]? {
        guard let id, let name else { return nil }
        var out: [UInt8] = []
        out.write("{\"id\":")
        out += id
        out.write(",\"type\":")
        out += type ?? Array("\"function\"".utf8)
        out.write(",\"function\":{\"name\":")
        out += name
        out.write(",\"arguments\":")
        out.write(stringContents: arguments ?? [])
        out.write("}}")
        return out
    }
}

/// A choice's log probabilities: the `content` and `refusal` token lists of every chunk, joined.
struct LogprobsAnswer: Sendable {
    /// The lists' elements as written, comma-separated; nil while no chunk had the list.
    var content: [UInt8]?
    var refusal: [UInt8]?

    /// Merges one chunk's `logprobs`; false when it is not `{"content":[…]|null,"refusal":[…]|null}`.
    mutating func observe(_ logprobs: JSONCursor, byteCount: inout Int) -> Bool {
        guard logprobs.kind == .object, logprobs.hasOnlyMembers(["content", "refusal"]),
            Self.append(logprobs["content"], to: &content, byteCount: &byteCount),
            Self.append(logprobs["refusal"], to: &refusal, byteCount: &byteCount)
        else { return false }
        return true
    }

    private static func append(_ list: JSONCursor?, to joined: inout [UInt8]?, byteCount: inout Int) -> Bool {
        guard let list, !list.isNull else { return true }
        guard list.kind == .array else { return false }
        if joined == nil { joined = [] }
        for element in list.elements {
            if joined?.isEmpty == false { joined?.append(UInt8(ascii: ",")) }
            joined?.append(contentsOf: element.text)
            byteCount += element.range.count + 1
        }
        return true
    }

    /// `{"content":[…]|null,"refusal":[…]|null}`.
    func body() -> [UInt8] {
        var out: [UInt8] = []
        out.write("{\"content\":")
        if let content { out += [UInt8(ascii: "[")] + content + [UInt8(ascii: "]")] } else { out.write("null") }
        out.write(",\"refusal\":")
        if let refusal { out += [UInt8(ascii: "[")] + refusal + [UInt8(ascii: "]")] } else { out.write("null") }
        out.write("}")
        return out
    }
}
