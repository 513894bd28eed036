/// A time grain for trend reports: calendar days, ISO weeks (Monday to Sunday) or calendar months, all UTC.
public enum TimeGrain: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month

    /// One bucket of a grain: its first day and the first day after it (days since 1970-01-01, UTC) and its label.
    public struct Bucket: Sendable, Hashable, Codable, Comparable {
        /// First day included.
        public var startDay: Int64
        /// First day excluded.
        public var endDay: Int64
        /// `2026-11-12`, `2026-W46` (ISO week) or `2026-11`.
        public var label: String

        public static func < (a: Bucket, b: Bucket) -> Bool { a.startDay < b.startDay }

        /// The first day, `YYYY-MM-DD`.
        public var startDate: String { CivilDate.format(unixSeconds: startDay * 86_400) }
    }

    /// The bucket holding `day` (days since 1970-01-01, UTC).
    public func bucket(containing day: Int64) -> Bucket {
        switch self {
        case .day:
            return Bucket(startDay: day, endDay: day + 1, label: CivilDate.format(unixSeconds: day * 86_400))
        case .week:
            // 1970-01-01 was a Thursday: Monday-based weekday 0...6 is (day + 3) mod 7.
            let monday = day - Self.mod(day + 3, 7)
            let (year, week) = Self.isoWeek(monday: monday)
            return Bucket(startDay: monday, endDay: monday + 7, label: "\(year)-W\(week < 10 ? "0" : "")\(week)")
        case .month:
            let (y, m, _) = CivilDate.civilFromDays(day)
            let start = CivilDate.daysFromCivil(y: y, m: m, d: 1)
            let end = m == 12 ? CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) : CivilDate.daysFromCivil(y: y, m: m + 1, d: 1)
            return Bucket(startDay: start, endDay: end, label: String(CivilDate.format(unixSeconds: start * 86_400).prefix(7)))
        }
    }

    /// Every bucket that overlaps the days `[startDay, endDay)`, in order.
    public func buckets(fromDay startDay: Int64, toDay endDay: Int64) -> [Bucket] {
        var out: [Bucket] = []
        var day = startDay
        while day < endDay {
            let b = bucket(containing: day)
            out.append(b)
            day = b.endDay
        }
        return out
    }

    /// ISO 8601 week-numbering year and week of the week starting on `monday`: the week belongs to the year
    /// of its Thursday, and week 1 is the week holding that year's first Thursday.
    static func isoWeek(monday: Int64) -> (year: Int64, week: Int64) {
        let thursday = monday + 3
        let (year, _, _) = CivilDate.civilFromDays(thursday)
        let dayOfYear = thursday - CivilDate.daysFromCivil(y: year, m: 1, d: 1)
        return (year, dayOfYear / 7 + 1)
    }

    static func mod(_ a: Int64, _ n: Int64) -> Int64 { ((a % n) + n) % n }
}

/// A sentence for a report window with no calls: which dates the ledger does cover.
public enum LedgerCoverage {
    /// `no calls between 2026-12-01 and 2026-12-31; the ledger covers 2026-08-14 to 2026-11-30` (dates inclusive);
    /// `firstMs`/`lastMs` are the oldest and newest entries, nil for an empty ledger.
    public static func emptyWindow(startMs: Int64, endMs: Int64, firstMs: Int64?, lastMs: Int64?) -> String {
        let from = CivilDate.format(unixSeconds: startMs / 1_000)
        let to = CivilDate.format(unixSeconds: (endMs - 1) / 1_000)
        guard let firstMs, let lastMs else { return "no calls between \(from) and \(to); the ledger is empty" }
        return "no calls between \(from) and \(to); the ledger covers "
            + "\(CivilDate.format(unixSeconds: firstMs / 1_000)) to \(CivilDate.format(unixSeconds: lastMs / 1_000))"
    }
}
