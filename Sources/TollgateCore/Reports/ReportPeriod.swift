/// A half-open UTC time range `[startMs, endMs)` a report covers, and the period of equal length before it.
public struct ReportPeriod: Sendable, Hashable, Codable {
    /// First millisecond included.
    public var startMs: Int64
    /// First millisecond excluded.
    public var endMs: Int64
    /// How the period was written (`2026-10`, `2026-Q4`, `2026-10-05`, `2026-10-01..2026-10-15`).
    public var label: String

    /// Creates a period.
    public init(startMs: Int64, endMs: Int64, label: String) {
        self.startMs = startMs
        self.endMs = endMs
        self.label = label
    }

    /// Length in hours.
    public var hours: Double { Double(endMs - startMs) / 3_600_000 }

    /// The period of the same length that ends where this one starts (trends compare against it).
    public var previous: ReportPeriod {
        let length = endMs - startMs
        return ReportPeriod(
            startMs: startMs - length, endMs: startMs,
            label: "\(CivilDate.format(unixSeconds: (startMs - length) / 1_000))..\(CivilDate.format(unixSeconds: startMs / 1_000))")
    }

    /// First day (`YYYY-MM-DD`) and the first day after the period.
    public var dayRange: (String, String) {
        (CivilDate.format(unixSeconds: startMs / 1_000), CivilDate.format(unixSeconds: endMs / 1_000))
    }

    /// Parses `--period` (`2026-10` month, `2026-Q4` quarter, `2026-10-05` day) or `--since/--until`
    /// (`YYYY-MM-DD`, until exclusive). With neither, the current calendar month (UTC) of `nowMs`.
    public static func parse(period: String?, since: String?, until: String?, nowMs: Int64) throws(ReportError) -> ReportPeriod {
        if let period {
            guard since == nil && until == nil else { throw ReportError("give either --period or --since/--until, not both") }
            return try parse(period)
        }
        if since == nil && until == nil {
            let today = CivilDate.format(unixSeconds: nowMs / 1_000)
            return try parse(String(today.prefix(7)))
        }
        func day(_ text: String?, _ name: String) throws(ReportError) -> Int64? {
            guard let text else { return nil }
            guard text.utf8.count == 10, let seconds = CivilDate.unixSeconds(text) else {
                throw ReportError("--\(name) '\(text)' is not a YYYY-MM-DD date")
            }
            return seconds * 1_000
        }
        let end = try day(until, "until") ?? ((nowMs / 86_400_000) + 1) * 86_400_000
        let start = try day(since, "since") ?? end - 30 * 86_400_000
        guard start < end else { throw ReportError("--since must be before --until (until is exclusive)") }
        return ReportPeriod(
            startMs: start, endMs: end, label: "\(CivilDate.format(unixSeconds: start / 1_000))..\(CivilDate.format(unixSeconds: end / 1_000))")
    }

    /// Parses `2026-10`, `2026-Q4` or `2026-10-05`.
    public static func parse(_ text: String) throws(ReportError) -> ReportPeriod {
        let bad = ReportError("period '\(text)' is not YYYY-MM (month), YYYY-Qn (quarter) or YYYY-MM-DD (day)")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0].utf8.count == 4, let year = Int64(parts[0]), year >= 1970 else { throw bad }
        func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        func monthStart(_ y: Int64, _ m: Int64) -> Int64 { CivilDate.daysFromCivil(y: y, m: m, d: 1) * 86_400_000 }
        if parts.count == 2, parts[1].utf8.count == 2, parts[1].hasPrefix("Q") || parts[1].hasPrefix("q"),
            let q = Int64(parts[1].dropFirst()), (1...4).contains(q)
        {
            let m = (q - 1) * 3 + 1
            let end = m + 3 > 12 ? monthStart(year + 1, 1) : monthStart(year, m + 3)
            return ReportPeriod(startMs: monthStart(year, m), endMs: end, label: "\(year)-Q\(q)")
        }
        if parts.count == 2, parts[1].utf8.count == 2, let m = Int64(parts[1]), (1...12).contains(m) {
            let end = m == 12 ? monthStart(year + 1, 1) : monthStart(year, m + 1)
            return ReportPeriod(startMs: monthStart(year, m), endMs: end, label: "\(year)-\(pad(m))")
        }
        if parts.count == 3, text.utf8.count == 10, let seconds = CivilDate.unixSeconds(text) {
            return ReportPeriod(startMs: seconds * 1_000, endMs: seconds * 1_000 + 86_400_000, label: text)
        }
        throw bad
    }
}
