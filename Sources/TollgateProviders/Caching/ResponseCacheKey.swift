import TollgateCore

/// The exact response cache's key: a SHA-256 over the request as the provider reads it.
///
/// Two requests get the same key exactly when they would get the same answer distribution from the
/// same model: the body in ``CanonicalJSON`` form (so whitespace, key order, escaping and number
/// spelling do not matter), without the fields that do not change the output (`user`, `stream`,
/// `stream_options`, `metadata`, `store`; `model` is replaced by the served model), with `null`
/// read as absent, and with each sampling parameter's provider default written in when it is
/// omitted (an omitted `temperature` is 1, not 0), plus the dialect, the route and the scope the
/// answer may be shared within.
public struct ResponseCacheKey: Sendable, Hashable, CustomStringConvertible {
    /// The digest, lower-case hex.
    public let hex: String

    public var description: String { hex }

    /// Fields that change nothing in the answer.
    public static let ignoredFields: Set<String> = ["model", "user", "stream", "stream_options", "metadata", "store"]

    /// A key from its digest (as stored or logged).
    init(hex: String) { self.hex = hex }

    /// The key of a request.
    /// - Parameters:
    ///   - body: The request body; nil is returned unless it is a JSON object.
    ///   - dialect: The caller's dialect (its defaults apply).
    ///   - route: The route (`chat.completions`, `messages`, ...).
    ///   - servedModel: The model that will answer (after aliases and routing).
    ///   - scope: Who may share the answer, e.g. `team:support` or `global`.
    public init?(body: JSONDocument, dialect: Dialect, route: String, servedModel: String, scope: String) {
        guard let text = Self.canonicalRequest(body: body, dialect: dialect, route: route, servedModel: servedModel, scope: scope) else {
            return nil
        }
        hex = SHA256Digest.hexText(SHA256Digest.digest(text))
    }

    /// The text the key hashes: a header naming the version, dialect, route, served model and scope,
    /// a newline, then the canonical body.
    public static func canonicalRequest(body: JSONDocument, dialect: Dialect, route: String, servedModel: String, scope: String) -> [UInt8]? {
        let root = body.root
        guard root.kind == .object else { return nil }
        var out: [UInt8] = Array("[\"tollgate-cache-1\"".utf8)
        for field in [dialect.rawValue, route, servedModel, scope] {
            out.append(UInt8(ascii: ","))
            CanonicalJSON.string(decoded: field, to: &out)
        }
        out += Array("]\n".utf8)
        out += canonicalBody(root, dialect: dialect)
        return out
    }

    /// The body's canonical object: kept fields and defaults, sorted by key.
    static func canonicalBody(_ root: JSONCursor, dialect: Dialect) -> [UInt8] {
        var fields: [(key: [UInt8], value: [UInt8])] = []
        for (key, value) in CanonicalJSON.members(of: root) where !value.isNull && !ignoredQuoted.contains(key) {
            fields.append((key, CanonicalJSON.text(of: value)))
        }
        for (name, value) in SamplingDefaults.of(dialect) {
            let key = Array("\"\(name)\"".utf8)
            if !fields.contains(where: { $0.key == key }) { fields.append((key, Array(value.utf8))) }
        }
        fields.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += field.key
            out.append(UInt8(ascii: ":"))
            out += field.value
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static let ignoredQuoted: Set<[UInt8]> = Set(ignoredFields.map { Array("\"\($0)\"".utf8) })
}

/// The provider's value of each sampling parameter when a request omits it, in canonical form.
enum SamplingDefaults {
    static func of(_ dialect: Dialect) -> [(String, String)] {
        switch dialect {
        case .openai: [("temperature", "1"), ("top_p", "1"), ("n", "1"), ("presence_penalty", "0"), ("frequency_penalty", "0")]
        case .anthropic: [("temperature", "1")]
        }
    }
}
