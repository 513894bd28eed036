import Testing
import TollgateCore

/// Properties every window must have, checked hour by hour in zones with unusual rules:
/// midnight DST changes, half-hour and 45-minute offsets, a skipped calendar day.
@Suite struct PeriodCalendarInvariantTests {
    @Test(arguments: [
        ("America/Santiago", "2026-01-01T00:00:00Z"),  // DST starts at midnight (00:00 → 01:00)
        ("America/Havana", "2026-01-01T00:00:00Z"),  // DST starts at midnight, ends at 01:00 → 00:00
        ("Asia/Beirut", "2026-01-01T00:00:00Z"),  // DST at midnight
        ("America/St_Johns", "2026-01-01T00:00:00Z"),  // -03:30 / -02:30
        ("Asia/Kathmandu", "2026-01-01T00:00:00Z"),  // +05:45
        ("Pacific/Chatham", "2026-01-01T00:00:00Z"),  // +12:45 / +13:45
        ("Australia/Lord_Howe", "2026-01-01T00:00:00Z"),  // 30-minute DST
        ("Pacific/Apia", "2011-06-01T00:00:00Z"),  // 2011-12-30 did not exist
    ])
    func windowsContainTheirInstantsAndTile(zone: String, from: String) throws {
        let calendar = try PeriodCalendar(timeZone: zone)
        let start = try #require(CivilDate.unixSeconds(from)) * 1_000
        for period in [BudgetPeriod.day, .week, .month] {
            var ms = start
            var previous: BudgetWindow?
            while ms < start + 366 * 86_400_000 {
                let window = calendar.window(period, containing: ms)
                #expect(window.contains(ms), "\(zone) \(period) \(ms)")
                let end = try #require(window.endMs)
                #expect(end > window.startMs)
                #expect(calendar.window(period, containing: window.startMs) == window, "\(zone) \(period) \(ms)")
                #expect(calendar.window(period, containing: end - 1) == window, "\(zone) \(period) \(ms)")
                #expect(calendar.label(period, containing: end - 1) == calendar.label(period, containing: window.startMs))
                if let previous, previous != window {
                    #expect(previous.endMs == window.startMs, "\(zone) \(period) \(ms)")
                }
                previous = window
                ms += period == .day ? 3_600_000 : 5 * 3_600_000
            }
        }
    }
}
