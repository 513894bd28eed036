import TollgateProviders

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Makes the last occurrence of a repeated object key win, as many real providers do.
///
/// Foundation's `JSONDecoder` on Linux (swift-foundation) keeps the *first* occurrence of a key that
/// appears twice in one object; `JSONSerialization` keeps the last. The simulator decodes requests with
/// `JSONDecoder`, so it first rewrites a body with repeated keys to hold only each key's last member
/// (in the position of that last member). A body without repeated keys, or one that is not valid JSON,
/// is left alone (``lastWins(_:)`` returns `nil`) and the decoder sees the original bytes.
enum SimulationDuplicateKeys {
    /// The deepest nesting examined; deeper documents are left to the decoder.
    static let maximumDepth = 256

    /// The body with only the last member of each repeated key, or `nil` when nothing repeats
    /// (or the text is not JSON).
    /// - Parameter bytes: A JSON document.
    static func lastWins(_ bytes: [UInt8]) -> [UInt8]? {
        var scanner = Scanner(bytes: bytes)
        guard let segment = scanner.value(depth: 0) else { return nil }
        scanner.skipWhitespace()
        guard scanner.index == bytes.count, case .rewritten(let rewritten) = segment else { return nil }
        return rewritten
    }

    /// A parsed value: untouched (its byte range) or rebuilt without repeated keys.
    enum Segment {
        case original(Range<Int>)
        case rewritten([UInt8])
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value(depth: Int) -> Segment? {
            guard depth < SimulationDuplicateKeys.maximumDepth else { return nil }
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string().map { .original($0) }
            default:
                let start = index
                while index < bytes.count, !Self.endsScalar(bytes[index]) { index += 1 }
                return index > start ? .original(start..<index) : nil
            }
        }

        /// A string's range, quotes included.
        mutating func string() -> Range<Int>? {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<index
                default: index += 1
                }
            }
            return nil
        }

        mutating func array(depth: Int) -> Segment? {
            let start = index
            index += 1
            var elements: [Segment] = []
            var changed = false
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .original(start..<index)
            }
            while true {
                guard let element = value(depth: depth + 1) else { return nil }
                if case .rewritten = element { changed = true }
                elements.append(element)
                skipWhitespace()
                guard index < bytes.count else { return nil }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "]") { break }
                guard separator == UInt8(ascii: ",") else { return nil }
            }
            guard changed else { return .original(start..<index) }
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            return .rewritten(out)
        }

        mutating func object(depth: Int) -> Segment? {
            let start = index
            index += 1
            var members: [(key: Range<Int>, name: String, value: Segment)] = []
            var changed = false
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .original(start..<index)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard let member = value(depth: depth + 1) else { return nil }
                if case .rewritten = member { changed = true }
                members.append((key, keyName(key), member))
                skipWhitespace()
                guard index < bytes.count else { return nil }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "}") { break }
                guard separator == UInt8(ascii: ",") else { return nil }
            }
            var lastPosition: [String: Int] = [:]
            for (position, member) in members.enumerated() { lastPosition[member.name] = position }
            if lastPosition.count < members.count { changed = true }
            guard changed else { return .original(start..<index) }
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (position, member) in members.enumerated() where lastPosition[member.name] == position {
                if out.count > 1 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: bytes[member.key])
                out.append(UInt8(ascii: ":"))
                append(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
            return .rewritten(out)
        }

        /// A key's decoded text, so `"a"` and `"\u0061"` count as the same key.
        func keyName(_ range: Range<Int>) -> String {
            let raw = bytes[range]
            guard raw.contains(UInt8(ascii: "\\")) else {
                return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
            }
            return (try? JSONDecoder().decode(String.self, from: Data(raw))) ?? String(decoding: raw, as: UTF8.self)
        }

        func append(_ segment: Segment, to out: inout [UInt8]) {
            switch segment {
            case .original(let range): out.append(contentsOf: bytes[range])
            case .rewritten(let rewritten): out.append(contentsOf: rewritten)
            }
        }

        static func endsScalar(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: true
            default: false
            }
        }
    }
}
