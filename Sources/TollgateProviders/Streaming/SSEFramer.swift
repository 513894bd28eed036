/// Splits a byte stream into complete server-sent events without copying more than it must.
///
/// Events end with a blank line (`\n\n`, or `\r\n\r\n`). Bytes of an unfinished event are kept
/// until the rest arrives, so each event is relayed whole and none is ever split.
public struct SSEFramer: Sendable {
    private var pending: [UInt8] = []

    /// Creates an empty framer.
    public init() {}

    /// Bytes received that do not yet form a complete event.
    public var bufferedByteCount: Int { pending.count }

    /// Appends bytes and returns every event they complete, each with its terminating blank line.
    public mutating func push(_ bytes: some Collection<UInt8>) -> [ArraySlice<UInt8>] {
        pending.append(contentsOf: bytes)
        var events: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        let count = pending.count
        while i < count {
            if pending[i] == 10 {  // \n
                if i + 1 < count, pending[i + 1] == 10 {
                    events.append(pending[start..<(i + 2)])
                    i += 2
                    start = i
                    continue
                }
                if i + 2 < count, pending[i + 1] == 13, pending[i + 2] == 10 {
                    events.append(pending[start..<(i + 3)])
                    i += 3
                    start = i
                    continue
                }
            }
            i += 1
        }
        if start > 0 { pending.removeFirst(start) }
        return events
    }

    /// Returns whatever is left (an unterminated final event), emptying the framer.
    public mutating func flush() -> ArraySlice<UInt8>? {
        guard !pending.isEmpty else { return nil }
        defer { pending = [] }
        return pending[...]
    }
}

/// The fields of one server-sent event.
public struct SSEEvent: Sendable {
    /// The `event:` name, if present.
    public var name: ArraySlice<UInt8>?
    /// The joined `data:` lines.
    public var data: ArraySlice<UInt8>

    /// Parses the lines of one framed event.
    public init(_ raw: ArraySlice<UInt8>) {
        var name: ArraySlice<UInt8>?
        var data: [UInt8] = []
        var dataLines = 0
        var singleData: ArraySlice<UInt8>?
        var lineStart = raw.startIndex
        var i = raw.startIndex
        func field(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == 13 { line = line.dropLast() }
            if line.starts(with: SSEEvent.dataPrefix) {
                var value = line.dropFirst(5)
                if value.first == 32 { value = value.dropFirst() }
                dataLines += 1
                if dataLines == 1 {
                    singleData = value
                } else {
                    if dataLines == 2, let first = singleData { data.append(contentsOf: first) }
                    data.append(10)
                    data.append(contentsOf: value)
                }
            } else if line.starts(with: SSEEvent.eventPrefix) {
                var value = line.dropFirst(6)
                if value.first == 32 { value = value.dropFirst() }
                name = value
            }
        }
        while i < raw.endIndex {
            if raw[i] == 10 {
                if i > lineStart { field(raw[lineStart..<i]) }
                lineStart = i + 1
            }
            i += 1
        }
        if lineStart < raw.endIndex { field(raw[lineStart..<raw.endIndex]) }
        self.name = name
        self.data = dataLines > 1 ? data[...] : (singleData ?? [])
    }

    static let dataPrefix: [UInt8] = Array("data:".utf8)
    static let eventPrefix: [UInt8] = Array("event:".utf8)
}

extension Collection<UInt8> {
    /// Whether the bytes contain `needle`.
    func contains(bytes needle: [UInt8]) -> Bool {
        guard let first = needle.first, count >= needle.count else { return false }
        var index = startIndex
        while index != endIndex {
            if self[index] == first {
                var a = index
                var matched = true
                for byte in needle {
                    guard a != endIndex, self[a] == byte else {
                        matched = false
                        break
                    }
                    a = self.index(after: a)
                }
                if matched { return true }
            }
            index = self.index(after: index)
        }
        return false
    }

    /// Sums the byte lengths of every JSON string value that follows `key` (e.g. `"content":"`).
    func stringValueBytes(after key: [UInt8]) -> Int {
        var total = 0
        var index = startIndex
        let first = key[0]
        while index != endIndex {
            if self[index] == first {
                var a = index
                var matched = true
                for byte in key {
                    guard a != endIndex, self[a] == byte else {
                        matched = false
                        break
                    }
                    a = self.index(after: a)
                }
                if matched {
                    var escaped = false
                    while a != endIndex {
                        let b = self[a]
                        if escaped {
                            escaped = false
                        } else if b == 92 {
                            escaped = true
                        } else if b == 34 {
                            break
                        }
                        total += 1
                        a = self.index(after: a)
                    }
                    index = a
                    continue
                }
            }
            index = self.index(after: index)
        }
        return total
    }
}
