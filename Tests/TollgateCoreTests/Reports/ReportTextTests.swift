import Testing
import TollgateCore

/// Amounts read well at every size, unknown cost never reads as zero, and JSON/CSV ratios are fixed decimals.
@Suite struct ReportTextTests {
    @Test(arguments: [
        (Int64(0), "$0.00"), (12_345_678_900, "$12.35"), (1_234_567_890_123, "$1,234.57"), (995_000_000, "$1.00"),
        (994_999_999, "$0.995"), (8_200_000, "$0.00820"), (123_456, "$0.000123"), (1, "$0.000000001"), (-8_200_000, "-$0.00820"),
        (100_000_000, "$0.100"), (99_960_000, "$0.1000"),
    ])
    func dollarsKeepThreeSignificantDigitsBelowADollarAndCentsAbove(nano: Int64, text: String) {
        #expect(ReportText.dollars(nano) == text)
    }

    @Test func perCallCostsAreLegibleWhereFourDecimalsShowedZero() {
        // $0.00004 per call printed as $0.0000 with four decimals.
        #expect(ReportText.dollars(40_000) == "$0.0000400")
    }

    @Test func costKnowledgeFollowsTheUnpricedCount() {
        #expect(CostKnowledge.of(calls: 10, unpricedCalls: 0) == .complete)
        #expect(CostKnowledge.of(calls: 10, unpricedCalls: 3) == .partial)
        #expect(CostKnowledge.of(calls: 10, unpricedCalls: 10) == .unknown)
        #expect(CostKnowledge.of(calls: 0, unpricedCalls: 0) == .complete)
        #expect(CostKnowledge.of(SpendMeasures(calls: 4, costNanoUSD: 0, unpricedCalls: 4)) == .unknown)
    }

    @Test func unknownCostNeverReadsAsZero() {
        #expect(ReportText.cost(0, .unknown) == "unknown")
        #expect(ReportText.csvCost(0, .unknown) == "unknown")
        #expect(ReportText.cost(1_230_000_000, .partial) == "≥ $1.23")
        #expect(ReportText.csvCost(1_230_000_001, .partial) == "1.230000001")
        #expect(ReportText.cost(1_230_000_000, .complete) == "$1.23")
    }

    @Test(arguments: [
        (106.88000000000004, 6, "106.880000"), (0.875, 6, "0.875000"), (-0.05, 6, "-0.050000"), (2.0 / 3.0, 6, "0.666667"),
        (0.0000004, 6, "0.000000"), (1e-10, 9, "0.000000000"), (0.26031234, 9, "0.260312340"), (12, 0, "12"),
    ])
    func ratiosAreFixedDecimalStrings(value: Double, digits: Int, text: String) {
        #expect(ReportText.fixed(value, digits: digits) == text)
    }

    @Test func missingAndNonFiniteRatiosStayMissing() {
        #expect(ReportText.fixed(nil) == nil)
        #expect(ReportText.fixed(.infinity) == nil)
        #expect(ReportText.fixed(.nan) == nil)
    }
}
