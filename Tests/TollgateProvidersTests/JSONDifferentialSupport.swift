import Foundation
import TollgateCore

@testable import TollgateProviders

/// A JSON value generated for differential tests, written out in many equivalent ways.
indirect enum GeneratedJSON {
    case object([(String, GeneratedJSON)])
    case array([GeneratedJSON])
    case string(String)
    case integer(Int64)
    case number(String)
    case bool(Bool)
    case null
}

/// How a generated value is written: whitespace, escapes and number spellings vary; the meaning does not.
struct JSONStyle {
    var random: SplitMix64

    mutating func chance(_ p: Double) -> Bool { random.nextUnit() < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    /// Whitespace between tokens: none, one space, or a mix of the four JSON whitespace characters.
    mutating func space() -> String {
        switch random.next() % 4 {
        case 0, 1: ""
        case 2: " "
        default: String((0..<Int(random.next() % 4)).map { _ in pick([" ", "\n", "\t", "\r"]) })
        }
    }

    /// A string literal, with characters escaped at random in every legal way.
    mutating func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += chance(0.5) ? "\\n" : "\\u000a"
            case "\t": out += chance(0.5) ? "\\t" : "\\u0009"
            case "/": out += chance(0.3) ? "\\/" : "/"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else if chance(0.15) {
                    out += escapeUnicode(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private mutating func escapeUnicode(_ scalar: Unicode.Scalar) -> String {
        let upper = chance(0.5)
        func hex(_ v: UInt32) -> String { String(format: upper ? "\\u%04X" : "\\u%04x", v) }
        if scalar.value < 0x10000 { return hex(scalar.value) }
        let v = scalar.value - 0x10000
        return hex(0xD800 + (v >> 10)) + hex(0xDC00 + (v & 0x3FF))
    }

    /// The value as JSON text.
    mutating func write(_ value: GeneratedJSON) -> String {
        switch value {
        case .object(let members):
            if members.isEmpty { return "{" + space() + "}" }
            let body = members.map { key, value in space() + quote(key) + space() + ":" + space() + write(value) + space() }
            return "{" + body.joined(separator: ",") + "}"
        case .array(let items):
            if items.isEmpty { return "[" + space() + "]" }
            return "[" + items.map { space() + write($0) + space() }.joined(separator: ",") + "]"
        case .string(let text): return quote(text)
        case .integer(let n): return integerSpelling(n)
        case .number(let literal): return literal
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// An integer written plainly, or (when it stays exact in binary floating point) as `N.0` or `Ne0`.
    private mutating func integerSpelling(_ n: Int64) -> String {
        guard abs(n) < 1 << 50 else { return String(n) }
        switch random.next() % 6 {
        case 0: return "\(n).0"
        case 1: return "\(n)e0"
        case 2 where n % 10 == 0 && n != 0: return "\(n / 10)E+1"
        default: return String(n)
        }
    }
}

/// Random documents: nested objects and arrays, tricky strings, every kind of number.
struct JSONGenerator {
    var random: SplitMix64

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    mutating func text() -> String {
        let pieces = ["a", "model", "é", "日本", "😀", "\"", "\\", "/", "\n", "\t", "\u{1}", " ", "usage", "\u{7f}", "𝄞", "x"]
        return (0..<Int(random.next() % 6)).map { _ in pick(pieces) }.joined()
    }

    mutating func value(depth: Int = 0) -> GeneratedJSON {
        switch random.next() % (depth > 3 ? 5 : 7) {
        case 0: return .string(text())
        case 1: return .integer(Int64(bitPattern: random.next()) >> Int64(random.next() % 63))
        case 2: return .number(pick(["0.5", "-1.25e-3", "3E2", "1e400", "-0", "12345678901234567890123", "0.000001"]))
        case 3: return .bool(random.next() % 2 == 0)
        case 4: return .null
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in value(depth: depth + 1) })
        default:
            return .object((0..<Int(random.next() % 5)).map { _ in (text(), value(depth: depth + 1)) })
        }
    }
}

/// A Foundation-comparable view of a parsed document: the tree JSONSerialization would build.
enum TreeView {
    static func build(_ cursor: JSONCursor) -> NSObject {
        switch cursor.kind {
        case .object:
            let dictionary = NSMutableDictionary()
            for (key, value) in cursor.members { dictionary[key.string ?? ""] = build(value) }
            return dictionary
        case .array: return NSArray(array: cursor.elements.map(build))
        case .string: return NSString(string: cursor.string ?? "")
        case .number:
            let literal = String(decoding: cursor.document.bytes[cursor.range], as: UTF8.self)
            if let n = cursor.integer { return NSNumber(value: n) }
            return NSNumber(value: Double(literal) ?? .nan)
        case .true: return NSNumber(value: true)
        case .false: return NSNumber(value: false)
        case .null: return NSNull()
        }
    }

    /// Whether two trees agree: same structure, strings and booleans; numbers equal as integers when
    /// both are integral, otherwise as doubles.
    static func same(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as NSDictionary, let y as NSDictionary):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], same(value, other) else { return false }
            }
            return true
        case (let x as NSArray, let y as NSArray):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (let x as NSString, let y as NSString): return x == y
        case (is NSNull, is NSNull): return true
        case (let x as NSNumber, let y as NSNumber):
            if x.doubleValue.isNaN || y.doubleValue.isNaN || x.doubleValue.isInfinite || y.doubleValue.isInfinite { return true }
            return x.doubleValue == y.doubleValue && (abs(x.doubleValue) >= 0x1p53 || x.int64Value == y.int64Value)
        default: return false
        }
    }
}
