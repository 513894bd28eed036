import Testing
import TollgateCore

/// Parsing and printing budget periods.
@Suite struct BudgetPeriodTests {
    @Test(arguments: [
        ("day", BudgetPeriod.day),
        ("week", .week),
        ("month", .month),
        ("quarter", .quarter),
        ("year", .year),
        ("lifetime", .lifetime),
        (" Month ", .month),
        ("rolling 24h", .rolling(seconds: 86_400)),
        ("rolling 7d", .rolling(seconds: 604_800)),
        ("rolling 30m", .rolling(seconds: 1_800)),
        ("rolling 90s", .rolling(seconds: 90)),
        ("rolling 2w", .rolling(seconds: 1_209_600)),
        ("Rolling  36H", .rolling(seconds: 129_600)),
    ])
    func parses(text: String, period: BudgetPeriod) throws {
        #expect(try BudgetPeriod(parsing: text) == period)
        #expect(BudgetPeriod(text: text) == period)
    }

    @Test(arguments: [
        BudgetPeriod.day, .week, .month, .quarter, .year, .lifetime,
        .rolling(seconds: 1), .rolling(seconds: 90), .rolling(seconds: 1_800), .rolling(seconds: 5_400), .rolling(seconds: 86_400),
        .rolling(seconds: 604_800), .rolling(seconds: 90_061),
    ])
    func textRoundTrips(period: BudgetPeriod) throws {
        #expect(try BudgetPeriod(parsing: period.text) == period)
    }

    @Test func textUsesTheLargestExactUnit() {
        #expect(BudgetPeriod.rolling(seconds: 86_400).text == "rolling 1d")
        #expect(BudgetPeriod.rolling(seconds: 604_800).text == "rolling 7d")
        #expect(BudgetPeriod.rolling(seconds: 1_800).text == "rolling 30m")
        #expect(BudgetPeriod.rolling(seconds: 5_400).text == "rolling 90m")
        #expect(BudgetPeriod.rolling(seconds: 7_200).text == "rolling 2h")
        #expect(BudgetPeriod.rolling(seconds: 61).text == "rolling 61s")
        #expect(BudgetPeriod.quarter.text == "quarter")
    }

    @Test(arguments: [
        ("fortnight", "unknown budget period 'fortnight'"),
        ("", "unknown budget period ''"),
        ("daily", "unknown budget period 'daily'"),
        ("rolling", "unknown budget period 'rolling'"),
        ("day week", "unknown budget period 'day week'"),
        ("rolling 0h", "invalid rolling budget period 'rolling 0h'"),
        ("rolling -5h", "invalid rolling budget period"),
        ("rolling 5x", "invalid rolling budget period"),
        ("rolling h", "invalid rolling budget period"),
        ("rolling 5", "invalid rolling budget period"),
        ("rolling 1.5h", "invalid rolling budget period"),
        ("rolling +5h", "invalid rolling budget period"),
        ("rolling 99999999999999999999d", "invalid rolling budget period"),
        ("rolling 9999999999999999w", "too long"),
    ])
    func rejects(text: String, message: String) {
        #expect(BudgetPeriod(text: text) == nil)
        do {
            _ = try BudgetPeriod(parsing: text)
            Issue.record("expected an error for '\(text)'")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func errorsListWhatIsAccepted() {
        #expect(throws: BudgetPeriodError.self) { try BudgetPeriod(parsing: "biweekly") }
        do {
            _ = try BudgetPeriod(parsing: "biweekly")
        } catch {
            #expect(error.description.contains("day, week, month, quarter, year, lifetime, or rolling"))
        }
    }
}
