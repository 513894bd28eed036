/// The fields of one configuration object: each read records its problem in the collector (when
/// decoding with one) and yields a default, so decoding goes on and finds every problem of a file.
struct ConfigurationFields<Key: CodingKey & CaseIterable> {
    let container: KeyedDecodingContainer<Key>
    let collector: ConfigurationIssueCollector?

    /// Records `error` when collecting; throws it otherwise.
    func record(_ error: any Error) throws {
        guard let collector else { throw error }
        collector.record(error)
    }

    /// Records a problem with the value at `key`.
    func problem(_ key: Key, _ message: String) throws {
        try record(DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message))
    }

    /// Records a problem with the object as a whole.
    func problem(_ message: String) throws {
        try record(DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: message)))
    }

    func contains(_ key: Key) -> Bool { container.contains(key) }

    /// An optional value; nil when absent or invalid (the problem recorded).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        do {
            return try container.decodeIfPresent(type, forKey: key)
        } catch {
            try record(error)
            return nil
        }
    }

    /// A required value; `fallback` when missing or invalid (the problem recorded).
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key, else fallback: T) throws -> T {
        do {
            return try container.decode(type, forKey: key)
        } catch {
            try record(error)
            return fallback
        }
    }

    /// One of an enumeration's values, written as its raw string; the allowed values are named when it is not one.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T? where T.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        if let value = T(rawValue: text) { return value }
        try problem(key, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// A list, element by element: an element that is not even an object is recorded and ends the list
    /// there (the elements after it are still checked), so the indices of those kept stay right.
    func list<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> [T]? {
        guard let collector else { return try container.decodeIfPresent([T].self, forKey: key) }
        guard container.contains(key), (try? container.decodeNil(forKey: key)) != true else { return nil }
        var items: any UnkeyedDecodingContainer
        do {
            items = try container.nestedUnkeyedContainer(forKey: key)
        } catch {
            collector.record(error)
            return nil
        }
        var kept: [T] = []
        var broken = false
        while !items.isAtEnd {
            do {
                let item = try items.decode(T.self)
                if !broken { kept.append(item) }
            } catch {
                collector.record(error)
                broken = true
                _ = try? items.decode(Skipped.self)
            }
        }
        return kept
    }

    /// A duration written as `250ms`, `1.5s`, `2m`, `1h`, or a bare number of seconds.
    func durationIfPresent(forKey key: Key) throws -> Duration? {
        do {
            return try container.decodeDurationIfPresent(forKey: key)
        } catch {
            try record(error)
            return nil
        }
    }

    /// A required non-negative decimal, keeping its exact text; `"0"` when missing or invalid.
    func decimalText(forKey key: Key) throws -> String {
        do {
            return try container.decodeDecimalText(forKey: key)
        } catch {
            try record(error)
            return "0"
        }
    }

    /// An optional non-negative decimal, keeping its exact text.
    func decimalTextIfPresent(forKey key: Key) throws -> String? {
        do {
            return try container.decodeDecimalTextIfPresent(forKey: key)
        } catch {
            try record(error)
            return nil
        }
    }
}

/// Decodes anything, to step over a list element that could not be decoded.
private struct Skipped: Decodable {
    init(from decoder: any Decoder) {}
}

extension ConfigurationFields {
    /// A required enumeration value; `fallback` when missing or invalid (the problem recorded).
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key, else fallback: T) throws -> T where T.RawValue == String {
        guard container.contains(key) else {
            try record(DecodingError.keyNotFound(key, .init(codingPath: container.codingPath + [key], debugDescription: "required")))
            return fallback
        }
        return try choice(type, forKey: key) ?? fallback
    }

    /// A required list; empty when missing or invalid (the problem recorded).
    func list<T: Decodable>(_ type: T.Type, requiredKey key: Key) throws -> [T] {
        guard container.contains(key) else {
            try record(DecodingError.keyNotFound(key, .init(codingPath: container.codingPath + [key], debugDescription: "required")))
            return []
        }
        return try list(type, forKey: key) ?? []
    }
}
