/// A half-open UTC time range `[start, end)` an export covers, in unix seconds.
public struct ExportPeriod: Sendable, Hashable {
    /// Inclusive start (unix seconds, 00:00 UTC of a day).
    public var start: Int64
    /// Exclusive end (unix seconds).
    public var end: Int64

    /// Creates a period; `end` must be after `start`.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Parses a month (`2026-10`), a quarter (`2026-Q4`) or a day (`2026-10-05`), all UTC.
    /// Returns nil for anything else.
    public static func parse(_ text: String) -> ExportPeriod? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let year = parts.first.flatMap({ Int64($0) }), parts[0].count == 4 else { return nil }
        if parts.count == 3 {
            guard let start = CivilDate.unixSeconds(text) else { return nil }
            return ExportPeriod(start: start, end: start + 86_400)
        }
        guard parts.count == 2 else { return nil }
        let tail = parts[1]
        if tail.count == 2, tail.first == "Q" || tail.first == "q", let quarter = Int64(tail.dropFirst()), (1...4).contains(quarter) {
            let firstMonth = (quarter - 1) * 3 + 1
            return ExportPeriod(start: monthStart(year: year, month: firstMonth), end: monthStart(year: year, month: firstMonth + 3))
        }
        guard tail.count == 2, let month = Int64(tail), (1...12).contains(month) else { return nil }
        return ExportPeriod(start: monthStart(year: year, month: month), end: monthStart(year: year, month: month + 1))
    }

    /// Unix seconds at 00:00 UTC on the first day of `month` of `year` (month 13 is January of the next year).
    public static func monthStart(year: Int64, month: Int64) -> Int64 {
        let y = year + (month - 1) / 12
        let m = (month - 1) % 12 + 1
        return CivilDate.daysFromCivil(y: y, m: m, d: 1) * 86_400
    }

    /// The calendar month `[start, end)` containing `unixSeconds` (the FOCUS billing period).
    public static func month(containing unixSeconds: Int64) -> ExportPeriod {
        let day = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let (y, m, _) = CivilDate.civilFromDays(day)
        return ExportPeriod(start: monthStart(year: y, month: m), end: monthStart(year: y, month: m + 1))
    }
}
