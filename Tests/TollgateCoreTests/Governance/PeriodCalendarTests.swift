import Foundation
import Testing
import TollgateCore

/// Calendar-aligned budget windows and their labels, in real time zones.
@Suite struct PeriodCalendarTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour

    /// Unix milliseconds of a UTC instant `YYYY-MM-DDTHH:MM:SSZ`.
    func ms(_ text: String) throws -> Int64 {
        try #require(CivilDate.unixSeconds(text)) * 1_000
    }

    func window(_ start: String, _ end: String) throws -> BudgetWindow {
        BudgetWindow(startMs: try ms(start), endMs: try ms(end))
    }

    /// Checks that `start` opens a new window of `period`: the millisecond before it belongs to
    /// the previous window, and both windows meet there.
    func expectBoundary(_ calendar: PeriodCalendar, _ period: BudgetPeriod, at start: Int64, previousLabel: String, label: String) {
        let before = calendar.window(period, containing: start - 1)
        let after = calendar.window(period, containing: start)
        #expect(before.endMs == start)
        #expect(after.startMs == start)
        #expect(before.contains(start - 1) && !before.contains(start))
        #expect(calendar.label(period, containing: start - 1) == previousLabel)
        #expect(calendar.label(period, containing: start) == label)
    }

    // MARK: UTC boundaries

    @Test func utcDayWeekMonthQuarterYear() throws {
        let utc = try PeriodCalendar(timeZone: "UTC")
        let now = try ms("2026-11-26T15:04:05Z") + 678
        #expect(utc.window(.day, containing: now) == (try window("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z")))
        #expect(utc.window(.week, containing: now) == (try window("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z")))
        #expect(utc.window(.month, containing: now) == (try window("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")))
        #expect(utc.window(.quarter, containing: now) == (try window("2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z")))
        #expect(utc.window(.year, containing: now) == (try window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")))
        #expect(utc.label(.day, containing: now) == "2026-11-26")
        #expect(utc.label(.week, containing: now) == "2026-W48")
        #expect(utc.label(.month, containing: now) == "2026-11")
        #expect(utc.label(.quarter, containing: now) == "2026-Q4")
        #expect(utc.label(.year, containing: now) == "2026")
    }

    @Test func lastAndFirstMillisecondOfEachPeriod() throws {
        let utc = try PeriodCalendar(timeZone: "UTC")
        expectBoundary(utc, .day, at: try ms("2026-11-27T00:00:00Z"), previousLabel: "2026-11-26", label: "2026-11-27")
        expectBoundary(utc, .week, at: try ms("2026-11-30T00:00:00Z"), previousLabel: "2026-W48", label: "2026-W49")
        expectBoundary(utc, .month, at: try ms("2026-12-01T00:00:00Z"), previousLabel: "2026-11", label: "2026-12")
        expectBoundary(utc, .quarter, at: try ms("2026-10-01T00:00:00Z"), previousLabel: "2026-Q3", label: "2026-Q4")
        expectBoundary(utc, .quarter, at: try ms("2027-01-01T00:00:00Z"), previousLabel: "2026-Q4", label: "2027-Q1")
        expectBoundary(utc, .year, at: try ms("2027-01-01T00:00:00Z"), previousLabel: "2026", label: "2027")
        // Before 1970 (negative milliseconds).
        expectBoundary(utc, .day, at: 0, previousLabel: "1969-12-31", label: "1970-01-01")
        #expect(utc.window(.month, containing: -1) == (try window("1969-12-01T00:00:00Z", "1970-01-01T00:00:00Z")))
    }

    // MARK: Leap years

    @Test func leapYears() throws {
        let utc = try PeriodCalendar(timeZone: "Etc/UTC")
        let feb2024 = utc.window(.month, containing: try ms("2024-02-15T12:00:00Z"))
        #expect(feb2024 == (try window("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z")))
        #expect(feb2024.endMs! - feb2024.startMs == 29 * Self.day)
        let feb2023 = utc.window(.month, containing: try ms("2023-02-15T12:00:00Z"))
        #expect(feb2023.endMs! - feb2023.startMs == 28 * Self.day)
        expectBoundary(utc, .day, at: try ms("2024-02-29T00:00:00Z"), previousLabel: "2024-02-28", label: "2024-02-29")
        expectBoundary(utc, .day, at: try ms("2024-03-01T00:00:00Z"), previousLabel: "2024-02-29", label: "2024-03-01")
        let year2024 = utc.window(.year, containing: try ms("2024-02-29T12:00:00Z"))
        #expect(year2024.endMs! - year2024.startMs == 366 * Self.day)
        // 1900 is not a leap year, 2000 is.
        #expect(utc.window(.month, containing: try ms("1900-02-10T00:00:00Z")).endMs == (try ms("1900-03-01T00:00:00Z")))
        #expect(utc.window(.month, containing: try ms("2000-02-10T00:00:00Z")).endMs == (try ms("2000-03-01T00:00:00Z")))
    }

    // MARK: DST

    @Test func newYorkSpringForwardAndFallBack() throws {
        let newYork = try PeriodCalendar(timeZone: "America/New_York")
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        let spring = newYork.window(.day, containing: try ms("2026-03-08T12:00:00Z"))
        #expect(spring == (try window("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")))
        #expect(spring.endMs! - spring.startMs == 23 * Self.hour)
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST.
        let fall = newYork.window(.day, containing: try ms("2026-11-01T12:00:00Z"))
        #expect(fall == (try window("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z")))
        #expect(fall.endMs! - fall.startMs == 25 * Self.hour)
        // The week holding spring-forward is an hour short; March is an hour short too.
        let week = newYork.window(.week, containing: try ms("2026-03-08T12:00:00Z"))
        #expect(week == (try window("2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z")))
        let march = newYork.window(.month, containing: try ms("2026-03-20T12:00:00Z"))
        #expect(march == (try window("2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z")))
        // Labels use the local date: 03:00Z on the 26th is still the 25th in New York.
        #expect(newYork.label(.day, containing: try ms("2026-11-26T03:00:00Z")) == "2026-11-25")
        expectBoundary(newYork, .day, at: try ms("2026-11-26T05:00:00Z"), previousLabel: "2026-11-25", label: "2026-11-26")
        expectBoundary(newYork, .year, at: try ms("2027-01-01T05:00:00Z"), previousLabel: "2026", label: "2027")
    }

    @Test func berlinSpringForwardAndFallBack() throws {
        let berlin = try PeriodCalendar(timeZone: "Europe/Berlin")
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST.
        let spring = berlin.window(.day, containing: try ms("2026-03-29T10:00:00Z"))
        #expect(spring == (try window("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")))
        #expect(spring.endMs! - spring.startMs == 23 * Self.hour)
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET.
        let fall = berlin.window(.day, containing: try ms("2026-10-25T10:00:00Z"))
        #expect(fall == (try window("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")))
        #expect(fall.endMs! - fall.startMs == 25 * Self.hour)
        // Quarter and month boundaries at local midnight, in summer and winter time.
        expectBoundary(berlin, .quarter, at: try ms("2026-06-30T22:00:00Z"), previousLabel: "2026-Q2", label: "2026-Q3")
        expectBoundary(berlin, .month, at: try ms("2026-11-30T23:00:00Z"), previousLabel: "2026-11", label: "2026-12")
    }

    @Test func everyDayOfAYearIsContiguousAndDSTAware() throws {
        for zone in ["America/New_York", "Europe/Berlin"] {
            let calendar = try PeriodCalendar(timeZone: zone)
            var start = calendar.window(.year, containing: try ms("2026-06-01T00:00:00Z")).startMs
            var lengths: [Int64: Int] = [:]
            for _ in 0..<365 {
                let day = calendar.window(.day, containing: start)
                #expect(day.startMs == start)
                lengths[(day.endMs! - day.startMs) / Self.hour, default: 0] += 1
                start = day.endMs!
            }
            #expect(start == calendar.window(.year, containing: try ms("2026-06-01T00:00:00Z")).endMs)
            #expect(lengths == [23: 1, 24: 363, 25: 1], "\(zone)")
        }
    }

    @Test func lordHoweHalfHourDST() throws {
        let lordHowe = try PeriodCalendar(timeZone: "Australia/Lord_Howe")
        // 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00), a 23.5-hour day.
        let spring = lordHowe.window(.day, containing: try ms("2026-10-04T00:00:00Z"))
        #expect(spring == (try window("2026-10-03T13:30:00Z", "2026-10-04T13:00:00Z")))
        #expect(spring.endMs! - spring.startMs == 23 * Self.hour + Self.hour / 2)
        // 2026-04-05: 02:00 (+11:00) falls back to 01:30 (+10:30), a 24.5-hour day.
        let fall = lordHowe.window(.day, containing: try ms("2026-04-05T00:00:00Z"))
        #expect(fall.endMs! - fall.startMs == 24 * Self.hour + Self.hour / 2)
    }

    @Test func kolkataHasNoDST() throws {
        let kolkata = try PeriodCalendar(timeZone: "Asia/Kolkata")
        expectBoundary(kolkata, .day, at: try ms("2026-11-25T18:30:00Z"), previousLabel: "2026-11-25", label: "2026-11-26")
        let november = kolkata.window(.month, containing: try ms("2026-11-26T00:00:00Z"))
        #expect(november == (try window("2026-10-31T18:30:00Z", "2026-11-30T18:30:00Z")))
        let year = kolkata.window(.year, containing: try ms("2026-06-01T00:00:00Z"))
        #expect(year == (try window("2025-12-31T18:30:00Z", "2026-12-31T18:30:00Z")))
        #expect(year.endMs! - year.startMs == 365 * Self.day)
        // At 20:00Z on New Year's Eve it is already 2027 in Kolkata.
        #expect(kolkata.label(.year, containing: try ms("2026-12-31T20:00:00Z")) == "2027")
        #expect(kolkata.label(.week, containing: try ms("2026-12-31T20:00:00Z")) == "2026-W53")
    }

    // MARK: Weeks

    @Test func weekStartsOnTheConfiguredDay() throws {
        let monday = try PeriodCalendar(timeZone: "UTC")
        let sunday = try PeriodCalendar(timeZone: "UTC", firstWeekday: .sunday)
        #expect(monday.firstWeekday == .monday)
        let thursday = try ms("2026-11-26T12:00:00Z")
        #expect(sunday.window(.week, containing: thursday) == (try window("2026-11-22T00:00:00Z", "2026-11-29T00:00:00Z")))
        #expect(sunday.label(.week, containing: thursday) == "2026-W48")
        // Sunday 2026-11-29 ends a Monday week and starts a Sunday week.
        let sundayNoon = try ms("2026-11-29T12:00:00Z")
        #expect(monday.window(.week, containing: sundayNoon) == (try window("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z")))
        #expect(monday.label(.week, containing: sundayNoon) == "2026-W48")
        #expect(sunday.window(.week, containing: sundayNoon) == (try window("2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z")))
        #expect(sunday.label(.week, containing: sundayNoon) == "2026-W49")
        expectBoundary(sunday, .week, at: try ms("2026-11-29T00:00:00Z"), previousLabel: "2026-W48", label: "2026-W49")
        let saturday = try PeriodCalendar(timeZone: "UTC", firstWeekday: .saturday)
        #expect(saturday.window(.week, containing: thursday) == (try window("2026-11-21T00:00:00Z", "2026-11-28T00:00:00Z")))
    }

    @Test func isoWeekNumberingAtYearEnds() throws {
        let utc = try PeriodCalendar(timeZone: "UTC")
        // 2026 starts on a Thursday, so it has 53 ISO weeks; 2027-01-01 is in 2026-W53.
        #expect(utc.label(.week, containing: try ms("2027-01-01T00:00:00Z")) == "2026-W53")
        #expect(utc.label(.week, containing: try ms("2027-01-04T00:00:00Z")) == "2027-W01")
        // 2024-12-30 (a Monday) is in 2025-W01.
        #expect(utc.label(.week, containing: try ms("2024-12-30T00:00:00Z")) == "2025-W01")
        #expect(utc.label(.week, containing: try ms("2024-12-29T23:59:59Z")) == "2024-W52")
        #expect(utc.label(.week, containing: try ms("2021-01-03T00:00:00Z")) == "2020-W53")
        #expect(utc.label(.week, containing: try ms("2026-01-01T00:00:00Z")) == "2026-W01")
        // Agrees with Foundation's ISO 8601 calendar for every day of 2019–2028.
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = TimeZone(identifier: "UTC")!
        var day = try ms("2019-01-01T12:00:00Z")
        while day < (try ms("2029-01-01T00:00:00Z")) {
            let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSince1970: Double(day / 1_000)))
            let expected = String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
            #expect(utc.label(.week, containing: day) == expected)
            day += Self.day
        }
    }

    // MARK: Rolling and lifetime

    @Test func rollingWindows() throws {
        let utc = try PeriodCalendar(timeZone: "UTC")
        let now = try ms("2026-11-26T15:00:00Z") + 250
        let window = utc.window(.rolling(seconds: 86_400), containing: now)
        #expect(window == BudgetWindow(startMs: now - Self.day + 1, endMs: now + 1))
        #expect(window.contains(now) && window.contains(now - Self.day + 1))
        #expect(!window.contains(now - Self.day) && !window.contains(now + 1))
        #expect(utc.label(.rolling(seconds: 86_400), containing: now) == "rolling 1d")
        // Rolling windows ignore the zone.
        let berlin = try PeriodCalendar(timeZone: "Europe/Berlin")
        #expect(berlin.window(.rolling(seconds: 1_800), containing: now) == BudgetWindow(startMs: now - 1_800_000 + 1, endMs: now + 1))
        // Saturation at the ends of Int64.
        #expect(utc.window(.rolling(seconds: 60), containing: .min + 5).startMs == .min)
        #expect(utc.window(.rolling(seconds: 60), containing: .max).endMs == .max)
    }

    @Test func lifetime() throws {
        let utc = try PeriodCalendar(timeZone: "UTC")
        let window = utc.window(.lifetime, containing: 1_764_151_200_000)
        #expect(window == BudgetWindow(startMs: .min, endMs: nil))
        #expect(window.contains(.min) && window.contains(.max))
        #expect(utc.label(.lifetime, containing: 0) == "lifetime")
    }

    @Test func extremeInstantsAreClamped() throws {
        let utc = try PeriodCalendar(timeZone: "America/New_York")
        #expect(utc.label(.year, containing: .max) == "9999")
        #expect(utc.label(.year, containing: .min) == "0001")
    }

    // MARK: Time zones

    @Test func unknownTimeZoneIsAClearError() {
        do {
            _ = try PeriodCalendar(timeZone: "Mars/Olympus_Mons")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("Mars/Olympus_Mons"))
            #expect(error.description.contains("unknown time zone"))
        }
        #expect(throws: PeriodCalendarError.self) { try PeriodCalendar(timeZone: "") }
    }

    @Test func zoneIdentifierIsKept() throws {
        #expect(try PeriodCalendar(timeZone: "Asia/Kolkata").timeZoneIdentifier == "Asia/Kolkata")
    }
}
