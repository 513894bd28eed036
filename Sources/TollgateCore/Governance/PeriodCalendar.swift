#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Calendar-aligned budget windows in a time zone.
///
/// Calendar periods start at local midnight: a day is 23 or 25 hours long on the days clocks
/// change, weeks start at midnight of the configured first weekday, months on the 1st,
/// quarters on January, April, July and October 1st, years on January 1st. Where a zone
/// skips midnight itself, the period starts at the first local time that exists that day.
///
/// Local times come from FoundationEssentials' Gregorian `Calendar` and `TimeZone` (Foundation
/// on platforms without FoundationEssentials). On Linux,
/// named zones (`Europe/Berlin`) are looked up through FoundationInternationalization's time
/// zone data, which is only present when the process links Foundation — as the `tollgate`
/// executable does (and the tests). In a process linking only FoundationEssentials, only
/// `UTC` and `GMT` are known, and other names are rejected by ``init(timeZone:firstWeekday:)``
/// rather than silently treated as UTC.
public struct PeriodCalendar: Sendable {
    /// A day of the week, numbered as Foundation numbers them (Sunday is 1).
    public enum Weekday: Int, Sendable, Hashable, CaseIterable {
        /// Sunday.
        case sunday = 1
        /// Monday.
        case monday
        /// Tuesday.
        case tuesday
        /// Wednesday.
        case wednesday
        /// Thursday.
        case thursday
        /// Friday.
        case friday
        /// Saturday.
        case saturday
    }

    /// The time zone's identifier, as given.
    public let timeZoneIdentifier: String
    /// The day weeks start on.
    public let firstWeekday: Weekday
    private let calendar: Calendar

    /// Creates a calendar for a time zone.
    /// - Parameters:
    ///   - identifier: An IANA time zone name (`America/New_York`, `Asia/Kolkata`), `UTC` or `GMT`.
    ///   - firstWeekday: The day weeks start on; Monday (ISO 8601) by default.
    /// - Throws: ``PeriodCalendarError`` when the zone is unknown.
    public init(timeZone identifier: String, firstWeekday: Weekday = .monday) throws(PeriodCalendarError) {
        let utcNames: Set<String> = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"]
        guard let zone = TimeZone(identifier: identifier) ?? (utcNames.contains(identifier) ? TimeZone.gmt : nil) else {
            throw PeriodCalendarError(
                "unknown time zone '\(identifier)': expected an IANA zone name such as Europe/Berlin, America/New_York or UTC"
            )
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = firstWeekday.rawValue
        self.calendar = calendar
        self.timeZoneIdentifier = identifier
        self.firstWeekday = firstWeekday
    }

    /// The window of `period` that contains the instant `ms` (Unix milliseconds).
    ///
    /// - Calendar periods: `[start, end)` between two local midnights, in UTC milliseconds.
    /// - `lifetime`: `[Int64.min, nil)`.
    /// - `rolling(seconds:)`: the `seconds` ending at `ms` inclusive, `[ms - seconds·1000 + 1, ms + 1)`,
    ///   exactly `seconds·1000` milliseconds long (saturating at the ends of `Int64`).
    ///
    /// Instants outside years 1–9999 are clamped into that range first.
    public func window(_ period: BudgetPeriod, containing ms: Int64) -> BudgetWindow {
        switch period {
        case .lifetime:
            return BudgetWindow(startMs: .min, endMs: nil)
        case .rolling(let seconds):
            let (length, overflow) = max(seconds, 1).multipliedReportingOverflow(by: 1_000)
            let start = ms.subtractingReportingOverflow(overflow ? .max : length - 1)
            return BudgetWindow(startMs: start.overflow ? .min : start.partialValue, endMs: ms == .max ? .max : ms + 1)
        case .day, .week, .month, .quarter, .year:
            let (start, end) = civilBounds(period, containing: ms)
            return BudgetWindow(startMs: localMidnight(start), endMs: localMidnight(end))
        }
    }

    /// A label for the window of `period` containing `ms`, for alerts and error messages:
    /// `2026-11-26` (day), `2026-W48` (week, ISO 8601 week-numbering year and week of the
    /// window's Monday), `2026-11` (month), `2026-Q4` (quarter), `2026` (year), `lifetime`,
    /// or the period's text for rolling windows (`rolling 1d`).
    public func label(_ period: BudgetPeriod, containing ms: Int64) -> String {
        switch period {
        case .lifetime, .rolling:
            return period.text
        case .day, .week, .month, .quarter, .year:
            let (start, _) = civilBounds(period, containing: ms)
            let (y, m, d) = CivilDate.civilFromDays(start)
            switch period {
            case .day: return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
            case .month: return "\(Self.pad(y, 4))-\(Self.pad(m, 2))"
            case .quarter: return "\(Self.pad(y, 4))-Q\((m - 1) / 3 + 1)"
            case .year: return Self.pad(y, 4)
            default:
                // Every week window holds exactly one Monday; ISO 8601 numbers it by its Thursday.
                let monday = start + Int64((Weekday.monday.rawValue - firstWeekday.rawValue + 7) % 7)
                let thursday = monday + 3
                let (isoYear, _, _) = CivilDate.civilFromDays(thursday)
                let week = (thursday - CivilDate.daysFromCivil(y: isoYear, m: 1, d: 1)) / 7 + 1
                return "\(Self.pad(isoYear, 4))-W\(Self.pad(week, 2))"
            }
        }
    }

    // MARK: Civil arithmetic

    /// Year 1 to year 9999, in Unix seconds.
    private static let supportedSeconds: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// The first and the following local civil days (days since 1970-01-01) of the calendar
    /// period containing `ms`.
    private func civilBounds(_ period: BudgetPeriod, containing ms: Int64) -> (start: Int64, end: Int64) {
        let floored = ms / 1_000 - (ms % 1_000 < 0 ? 1 : 0)
        let seconds = min(max(floored, Self.supportedSeconds.lowerBound), Self.supportedSeconds.upperBound)
        let local = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(seconds)))
        let y = Int64(local.year ?? 1970)
        let m = Int64(local.month ?? 1)
        let d = Int64(local.day ?? 1)
        let today = CivilDate.daysFromCivil(y: y, m: m, d: d)
        switch period {
        case .week:
            let weekday = Int((today + 4) % 7 + 7) % 7 + 1  // 1970-01-01 was a Thursday (5).
            let start = today - Int64((weekday - firstWeekday.rawValue + 7) % 7)
            return (start, start + 7)
        case .month:
            return (
                CivilDate.daysFromCivil(y: y, m: m, d: 1),
                m == 12 ? CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) : CivilDate.daysFromCivil(y: y, m: m + 1, d: 1)
            )
        case .quarter:
            let first = (m - 1) / 3 * 3 + 1
            return (
                CivilDate.daysFromCivil(y: y, m: first, d: 1),
                first == 10 ? CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) : CivilDate.daysFromCivil(y: y, m: first + 3, d: 1)
            )
        case .year:
            return (CivilDate.daysFromCivil(y: y, m: 1, d: 1), CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1))
        default:
            return (today, today + 1)
        }
    }

    /// Unix milliseconds of local midnight starting a civil day (or of the first local time
    /// that day, where midnight is skipped).
    private func localMidnight(_ day: Int64) -> Int64 {
        let (y, m, d) = CivilDate.civilFromDays(day)
        let components = DateComponents(year: Int(y), month: Int(m), day: Int(d), hour: 0, minute: 0, second: 0)
        guard let date = calendar.date(from: components) else { return day * 86_400_000 }
        return Int64(date.timeIntervalSince1970.rounded()) * 1_000
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A time zone that cannot be used for budget periods.
public struct PeriodCalendarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, quoting the zone name.
    public let message: String

    init(_ message: String) { self.message = message }

    /// The error text.
    public var description: String { message }
}
