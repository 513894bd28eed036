/// A coding key by name, for reading whatever keys a container has or writing keys that follow from
/// data (such as each attribution dimension's field).
public struct AnyCodingKey: CodingKey, Sendable {
    /// The key's name.
    public var stringValue: String
    /// The key's index, for an unkeyed position.
    public var intValue: Int?
    /// A key named `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// A key for position `intValue`.
    public init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Records (or, without a collector, throws) each key of the object the type does not know, naming
    /// the key path and the known key it is probably a typo of.
    func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ keys: K.Type) throws {
        guard let container = try? container(keyedBy: AnyCodingKey.self) else { return }
        let names = K.allCases.map(\.stringValue)
        let known = Set(names)
        for key in container.allKeys where !known.contains(key.stringValue) {
            let hint =
                KeySuggestion.closest(to: key.stringValue, in: names).map { "did you mean '\($0)'?" }
                ?? "expected one of: \(names.sorted().joined(separator: ", "))"
            let error = DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "unknown key '\(key.stringValue)' (\(hint))"))
            guard let collector = issueCollector else { throw error }
            collector.record(error)
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a duration written as `250ms`, `1.5s`, `2m`, `1h`, or a bare number of seconds.
    func decodeDurationIfPresent(forKey key: Key) throws -> Duration? {
        if let seconds = try? decodeIfPresent(Int.self, forKey: key) { return .seconds(seconds) }
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let duration = DurationText.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "'\(text)' is not a duration (use e.g. 250ms, 1.5s, 2m, 1h)")
        }
        return duration
    }

    /// Decodes a non-negative decimal written as a number or a string, keeping its exact text.
    func decodeDecimalText(forKey key: Key) throws -> String {
        guard let text = try decodeDecimalTextIfPresent(forKey: key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath + [key], debugDescription: "a price is required"))
        }
        return text
    }

    /// Decodes an optional non-negative decimal, keeping its exact text.
    func decodeDecimalTextIfPresent(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let text: String
        if let string = try? decode(String.self, forKey: key) {
            text = string
        } else if let int = try? decode(Int.self, forKey: key) {
            text = String(int)
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "write prices as quoted decimal strings (e.g. \"0.15\") so no digit is lost to floating point")
        }
        guard DecimalText.isPlainDecimal(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "'\(text)' is not a non-negative decimal number")
        }
        return text
    }
}

/// Key paths of decoding errors, written as people read them: `providers[0].base_url`.
public enum CodingPathText {
    /// The path of `keys`; empty for the top level.
    public static func format(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }
}

/// Parses human durations.
public enum DurationText {
    /// Parses `250ms`, `1.5s`, `2m`, `1h` or a bare number of seconds.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(text.trimmingWhitespace())
        var factor: Int64 = 1_000
        for (suffix, ms) in units where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            factor = ms
            break
        }
        guard DecimalText.isPlainDecimal(String(number)) else { return nil }
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
        var micros = whole * factor * 1_000
        if parts.count == 2 {
            let fraction = String(parts[1].prefix(6)).padding(to: 6)
            micros += (Int64(fraction) ?? 0) * factor / 1_000
        }
        return .microseconds(micros)
    }
}

/// Checks decimal text without converting it to floating point.
public enum DecimalText {
    /// Whether `text` is a plain non-negative decimal such as `0.15` or `12`.
    public static func isPlainDecimal(_ text: String) -> Bool {
        var sawDigit = false
        var sawDot = false
        for ch in text.utf8 {
            if ch >= 48 && ch <= 57 {
                sawDigit = true
            } else if ch == 46 && !sawDot {
                sawDot = true
            } else {
                return false
            }
        }
        return sawDigit
    }
}

extension String {
    func padding(to length: Int) -> String {
        count >= length ? self : self + String(repeating: "0", count: length - count)
    }
}
