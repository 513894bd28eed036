import Synchronization

/// Collects every problem found while a configuration is decoded, so that one run reports them all.
///
/// Put it in the decoder's `userInfo` under ``userInfoKey``: the configuration types then record each
/// problem here (with its key path) and carry on with a default, instead of throwing the first one.
/// Without a collector they throw, as plain `Decodable` types do.
public final class ConfigurationIssueCollector: Sendable {
    /// The `userInfo` key the configuration types look the collector up under.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "tollgate.configuration.issues")!

    private let recorded = Mutex<[ConfigurationError.Issue]>([])

    /// The problems recorded, in the order they were found.
    public var issues: [ConfigurationError.Issue] { recorded.withLock { $0 } }

    /// Creates an empty collector.
    public init() {}

    /// Records a decoding error (or any other error) at its key path.
    public func record(_ error: any Error) {
        let issue = ConfigurationError.Issue(error)
        recorded.withLock { $0.append(issue) }
    }
}

extension ConfigurationError.Issue {
    /// The issue a decoding error describes: its key path, and what was expected, in words.
    public init(_ error: any Error) {
        guard let error = error as? DecodingError else {
            self.init(path: "", message: "\(error)")
            return
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(path: CodingPathText.format(context.codingPath + [key]), message: "required key is missing")
        case .typeMismatch(let type, let context):
            self.init(path: CodingPathText.format(context.codingPath), message: "expected \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            self.init(path: CodingPathText.format(context.codingPath), message: "expected \(Self.typeName(type)), found nothing")
        case .dataCorrupted(let context):
            self.init(path: CodingPathText.format(context.codingPath), message: context.debugDescription)
        @unknown default:
            self.init(path: "", message: "\(error)")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "a list" : "a mapping"
        }
    }
}

extension Decoder {
    /// The collector in `userInfo`, if any.
    var issueCollector: ConfigurationIssueCollector? {
        userInfo[ConfigurationIssueCollector.userInfoKey] as? ConfigurationIssueCollector
    }

    /// The object's fields, its unknown keys recorded (or thrown, without a collector).
    func fields<K: CodingKey & CaseIterable>(_ keys: K.Type) throws -> ConfigurationFields<K> {
        let container = try container(keyedBy: K.self)
        try rejectUnknownKeys(K.self)
        return ConfigurationFields(container: container, collector: issueCollector)
    }
}

/// Did-you-mean suggestions for misspelt keys.
enum KeySuggestion {
    /// The known key closest to `key`, if it is close enough to be a typo of it.
    static func closest(to key: String, in known: [String]) -> String? {
        let limit = max(1, min(3, key.count / 3))
        let ranked = known.map { ($0, distance(key.lowercased(), $0)) }.filter { $0.1 <= limit }
        return ranked.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Levenshtein distance, counting an adjacent swap as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
