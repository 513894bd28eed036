/// RFC 3339 timestamps (`2026-10-05T14:30:00Z`, `2026-10-05T16:30:00.250+02:00`), without Foundation.
public enum RFC3339 {
    /// Milliseconds since 1970 (UTC) for an RFC 3339 date-time; fractions finer than a millisecond are
    /// truncated. `T`, `t` or a space separates date and time; the offset is `Z`, `z` or `±HH:MM`.
    public static func parseMs(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, let day = CivilDate.unixSeconds(String(decoding: b[0..<10], as: UTF8.self)) else { return nil }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " ") else { return nil }
        func two(_ i: Int) -> Int64? {
            guard i + 1 < b.count, (48...57).contains(b[i]), (48...57).contains(b[i + 1]) else { return nil }
            return Int64(b[i] - 48) * 10 + Int64(b[i + 1] - 48)
        }
        guard let hh = two(11), b[13] == UInt8(ascii: ":"), let mm = two(14), b[16] == UInt8(ascii: ":"), let ss = two(17),
            hh < 24, mm < 60, ss < 61
        else { return nil }
        var i = 19
        var millis: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, (48...57).contains(b[i]) {
                if digits < 3 { millis = millis * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = two(i + 1), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = two(i + 4), oh < 24, om < 60 else { return nil }
            offset = (oh * 3_600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return (day + hh * 3_600 + mm * 60 + min(ss, 59) - offset) * 1_000 + millis
    }
}
