import HTTPTypes

/// A fixed bearer credential (the admin key, the metrics token), checked the same way wherever one is asked for.
enum BearerToken {
    /// Whether `headers` carry `Authorization: Bearer <expected>`; the scheme is case-insensitive
    /// (RFC 9110 §11.1), and the comparison takes the same time wherever the token differs.
    static func presented(in headers: HTTPFields, matches expected: [UInt8]) -> Bool {
        let presented = headers[.authorization].map { $0.prefix(7).lowercased() == "bearer " ? Array($0.utf8.dropFirst(7)) : [] } ?? []
        guard presented.count == expected.count else { return false }
        var difference: UInt8 = 0
        for i in presented.indices { difference |= presented[i] ^ expected[i] }
        return difference == 0
    }
}
