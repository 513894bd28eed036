// UTC-only stand-in, replaced by the time-zone aware PeriodCalendar.
public enum BudgetPeriod: Sendable, Hashable {
    case day, week, month, quarter, year, lifetime
    case rolling(seconds: Int64)

    public init?(text: String) {
        switch text {
        case "day": self = .day
        case "week": self = .week
        case "month": self = .month
        case "quarter": self = .quarter
        case "year": self = .year
        case "lifetime": self = .lifetime
        default:
            guard text.hasPrefix("rolling "), let d = DurationText.parse(String(text.dropFirst(8))) else { return nil }
            self = .rolling(seconds: d.components.seconds)
        }
    }
}

public struct BudgetWindow: Sendable, Hashable {
    public var startMs: Int64
    public var endMs: Int64?
}

public enum Weekday: Sendable { case monday, sunday }

public struct PeriodCalendar: Sendable {
    public init(timeZone identifier: String, firstWeekday: Weekday = .monday) throws {}

    public func window(_ period: BudgetPeriod, containing ms: Int64) -> BudgetWindow {
        let day = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let (y, m, _) = CivilDate.civilFromDays(day)
        switch period {
        case .day: return .init(startMs: day * 86_400_000, endMs: (day + 1) * 86_400_000)
        case .week:
            let weekday = ((day % 7) + 7 + 3) % 7
            return .init(startMs: (day - weekday) * 86_400_000, endMs: (day - weekday + 7) * 86_400_000)
        case .month:
            let s = CivilDate.daysFromCivil(y: y, m: m, d: 1)
            let e = m == 12 ? CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) : CivilDate.daysFromCivil(y: y, m: m + 1, d: 1)
            return .init(startMs: s * 86_400_000, endMs: e * 86_400_000)
        case .quarter:
            let qm = (m - 1) / 3 * 3 + 1
            let s = CivilDate.daysFromCivil(y: y, m: qm, d: 1)
            let e = qm == 10 ? CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) : CivilDate.daysFromCivil(y: y, m: qm + 3, d: 1)
            return .init(startMs: s * 86_400_000, endMs: e * 86_400_000)
        case .year:
            return .init(startMs: CivilDate.daysFromCivil(y: y, m: 1, d: 1) * 86_400_000, endMs: CivilDate.daysFromCivil(y: y + 1, m: 1, d: 1) * 86_400_000)
        case .lifetime: return .init(startMs: Int64.min, endMs: nil)
        case .rolling(let seconds): return .init(startMs: ms - seconds * 1000, endMs: ms + 1)
        }
    }

    public func label(_ period: BudgetPeriod, containing ms: Int64) -> String {
        CivilDate.format(unixSeconds: window(period, containing: ms).startMs / 1000)
    }
}

public struct PIIRedactor: Sendable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable { case email, phone, card, iban, ssn, custom }
    public struct Pattern: Sendable {
        public var name: String
        public init(name: String, regex: String) throws { self.name = name }
    }
    public init(kinds: Set<Kind> = Set(Kind.allCases).subtracting([.custom]), patterns: [Pattern] = []) {}
    public func redactJSON(_ body: [UInt8]) -> (body: [UInt8], counts: [String: Int])? { nil }
}
