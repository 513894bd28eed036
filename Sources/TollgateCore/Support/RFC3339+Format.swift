extension RFC3339 {
    /// `2026-10-05T14:30:00.250Z`: milliseconds since 1970 as an RFC 3339 UTC time with milliseconds.
    public static func formatUTC(ms: Int64) -> String {
        let millis = ((ms % 1_000) + 1_000) % 1_000
        let fraction = String(millis)
        let padded = String(repeating: "0", count: 3 - fraction.count) + fraction
        let stamp = CivilDate.formatTimestamp(ms: ms)
        return String(stamp.prefix(10)) + "T" + String(stamp.dropFirst(11)) + ".\(padded)Z"
    }
}
