/// The period a budget resets on.
///
/// Calendar periods (`day` … `year`) are aligned to local midnight in the budget's time zone
/// (see ``PeriodCalendar``); `lifetime` never resets; `rolling` is a trailing window of a fixed
/// length ending at the moment asked about.
public enum BudgetPeriod: Sendable, Hashable {
    /// From local midnight to the next local midnight (23 or 25 hours across a DST change).
    case day
    /// Seven local days from midnight of the configured first weekday.
    case week
    /// From local midnight of the 1st to local midnight of the 1st of the next month.
    case month
    /// Three months starting in January, April, July or October.
    case quarter
    /// From local midnight of January 1st to the next January 1st.
    case year
    /// All time.
    case lifetime
    /// The `seconds` up to and including the moment asked about (a window treats less than
    /// one second as one second; the parser only accepts positive lengths).
    case rolling(seconds: Int64)

    /// Parses configuration text: `day`, `week`, `month`, `quarter`, `year`, `lifetime`, or
    /// `rolling <n><unit>` with unit `s`, `m`, `h`, `d` or `w` (`rolling 24h`, `rolling 7d`,
    /// `rolling 30m`). Case and surrounding spaces are ignored.
    /// - Throws: ``BudgetPeriodError`` naming the text and what is accepted.
    public init(parsing text: String) throws(BudgetPeriodError) {
        let words = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        switch words.count == 1 ? words[0] : "" {
        case "day": self = .day
        case "week": self = .week
        case "month": self = .month
        case "quarter": self = .quarter
        case "year": self = .year
        case "lifetime": self = .lifetime
        default:
            guard words.count == 2, words[0] == "rolling" else {
                throw BudgetPeriodError(
                    "unknown budget period '\(text)': expected day, week, month, quarter, year, lifetime, or rolling <n><s|m|h|d|w> (e.g. rolling 24h)"
                )
            }
            let amount = words[1].dropLast()
            let unit: Int64? =
                switch words[1].last {
                case "s": 1
                case "m": 60
                case "h": 3_600
                case "d": 86_400
                case "w": 604_800
                default: nil
                }
            guard let unit, !amount.isEmpty, amount.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(amount), count > 0
            else {
                throw BudgetPeriodError(
                    "invalid rolling budget period '\(text)': expected rolling <positive whole number><s|m|h|d|w>, e.g. rolling 24h, rolling 7d, rolling 30m"
                )
            }
            let (seconds, overflow) = count.multipliedReportingOverflow(by: unit)
            // Keep the window's length in milliseconds representable.
            guard !overflow, seconds <= Int64.max / 1_000 else {
                throw BudgetPeriodError("rolling budget period '\(text)' is too long")
            }
            self = .rolling(seconds: seconds)
        }
    }

    /// Parses configuration text like ``init(parsing:)``, or returns `nil` when it is not valid.
    public init?(text: String) {
        guard let period = try? BudgetPeriod(parsing: text) else { return nil }
        self = period
    }

    /// The configuration text for this period; parsing it gives the same period back.
    ///
    /// Rolling lengths are written in the largest of `d`, `h`, `m`, `s` that divides them, so
    /// `rolling 24h` reads back as `rolling 1d`.
    public var text: String {
        switch self {
        case .day: "day"
        case .week: "week"
        case .month: "month"
        case .quarter: "quarter"
        case .year: "year"
        case .lifetime: "lifetime"
        case .rolling(let seconds):
            if seconds > 0, seconds % 86_400 == 0 {
                "rolling \(seconds / 86_400)d"
            } else if seconds > 0, seconds % 3_600 == 0 {
                "rolling \(seconds / 3_600)h"
            } else if seconds > 0, seconds % 60 == 0 {
                "rolling \(seconds / 60)m"
            } else {
                "rolling \(seconds)s"
            }
        }
    }
}

extension BudgetPeriod: CustomStringConvertible {
    /// The configuration text, as ``text``.
    public var description: String { text }
}

/// Budget period text that cannot be parsed.
public struct BudgetPeriodError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, quoting the text and listing what is accepted.
    public let message: String

    init(_ message: String) { self.message = message }

    /// The error text.
    public var description: String { message }
}
