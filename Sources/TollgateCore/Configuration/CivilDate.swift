/// Calendar dates without time zones (UTC), for effective-from dates and report periods.
public enum CivilDate {
    /// Unix seconds at 00:00 UTC of a `YYYY-MM-DD` date, or of a full `YYYY-MM-DDTHH:MM:SSZ` instant.
    public static func unixSeconds(_ text: String) -> Int64? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10 || utf8.count == 20 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                let c = utf8[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard utf8[4] == 45, utf8[7] == 45, let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
            (1...12).contains(m), d >= 1, d <= daysIn(year: y, month: m)
        else { return nil }
        var seconds = daysFromCivil(y: y, m: m, d: d) * 86_400
        if utf8.count == 20 {
            guard utf8[10] == 84, utf8[13] == 58, utf8[16] == 58, utf8[19] == 90, let hh = number(11..<13), let mm = number(14..<16),
                let ss = number(17..<19), hh < 24, mm < 60, ss < 60
            else { return nil }
            seconds += hh * 3_600 + mm * 60 + ss
        }
        return seconds
    }

    /// `YYYY-MM-DD` for unix seconds (UTC).
    public static func format(unixSeconds: Int64) -> String {
        let (y, m, d) = civilFromDays(unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400)
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DD HH:MM:SS` for unix milliseconds (UTC).
    public static func formatTimestamp(ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1_000 : (ms - 999) / 1_000
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return format(unixSeconds: seconds) + " \(pad(secondOfDay / 3_600)):\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60))"
    }

    static func daysIn(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(y: Int64, m: Int64, d: Int64) -> Int64 {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z: Int64) -> (Int64, Int64, Int64) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
