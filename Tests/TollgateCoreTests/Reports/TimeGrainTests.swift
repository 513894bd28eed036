import Testing
import TollgateCore

/// Day, ISO-week and month buckets, UTC.
@Suite struct TimeGrainTests {
    static func day(_ text: String) -> Int64 { CivilDate.unixSeconds(text)! / 86_400 }

    @Test(arguments: [
        // 2026-01-01 is a Thursday: its week is 2026-W01, starting Monday 2025-12-29.
        ("2026-01-01", "2026-W01", "2025-12-29"), ("2025-12-29", "2026-W01", "2025-12-29"), ("2026-01-04", "2026-W01", "2025-12-29"),
        ("2026-01-05", "2026-W02", "2026-01-05"),
        // 2026 has 53 ISO weeks; 2027-01-01 (a Friday) and 2027-01-03 still belong to 2026-W53.
        ("2026-12-31", "2026-W53", "2026-12-28"), ("2027-01-01", "2026-W53", "2026-12-28"), ("2027-01-03", "2026-W53", "2026-12-28"),
        ("2027-01-04", "2027-W01", "2027-01-04"),
        // 2021-01-01 (a Friday) is in 2020-W53; 2024-12-30 (a Monday) starts 2025-W01.
        ("2021-01-01", "2020-W53", "2020-12-28"), ("2024-12-30", "2025-W01", "2024-12-30"), ("2026-11-12", "2026-W46", "2026-11-09"),
    ])
    func isoWeeksStartOnMondayAndBelongToTheYearOfTheirThursday(date: String, label: String, monday: String) {
        let bucket = TimeGrain.week.bucket(containing: Self.day(date))
        #expect(bucket.label == label)
        #expect(bucket.startDate == monday)
        #expect(bucket.endDay - bucket.startDay == 7)
    }

    @Test func monthsAndDaysAreCalendarPeriods() {
        let feb = TimeGrain.month.bucket(containing: Self.day("2028-02-29"))
        #expect(feb.label == "2028-02")
        #expect(feb.startDate == "2028-02-01")
        #expect(feb.endDay == Self.day("2028-03-01"))
        let dec = TimeGrain.month.bucket(containing: Self.day("2026-12-31"))
        #expect(dec.endDay == Self.day("2027-01-01"))
        #expect(TimeGrain.day.bucket(containing: Self.day("2026-11-12")).label == "2026-11-12")
    }

    @Test func bucketsCoverAWindowInOrderWithoutGaps() {
        let weeks = TimeGrain.week.buckets(fromDay: Self.day("2026-12-24"), toDay: Self.day("2027-01-12"))
        #expect(weeks.map(\.label) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"])
        for (a, b) in zip(weeks, weeks.dropFirst()) { #expect(a.endDay == b.startDay) }
        let days = TimeGrain.day.buckets(fromDay: Self.day("2026-11-01"), toDay: Self.day("2026-12-01"))
        #expect(days.count == 30)
        #expect(
            TimeGrain.month.buckets(fromDay: Self.day("2026-10-15"), toDay: Self.day("2027-01-02")).map(\.label) == [
                "2026-10", "2026-11", "2026-12", "2027-01",
            ])
    }

    @Test func anEmptyWindowNamesTheDatesTheLedgerCovers() {
        let start = CivilDate.unixSeconds("2026-12-01")! * 1_000
        let end = CivilDate.unixSeconds("2027-01-01")! * 1_000
        let first = CivilDate.unixSeconds("2026-08-14")! * 1_000 + 5_000
        let last = CivilDate.unixSeconds("2026-11-30")! * 1_000 + 86_000_000
        #expect(
            LedgerCoverage.emptyWindow(startMs: start, endMs: end, firstMs: first, lastMs: last)
                == "no calls between 2026-12-01 and 2026-12-31; the ledger covers 2026-08-14 to 2026-11-30")
        #expect(
            LedgerCoverage.emptyWindow(startMs: start, endMs: end, firstMs: nil, lastMs: nil)
                == "no calls between 2026-12-01 and 2026-12-31; the ledger is empty")
    }
}
