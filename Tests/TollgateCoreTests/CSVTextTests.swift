import Testing

@testable import TollgateCore

/// CSV cells a spreadsheet could evaluate are neutralised; numbers stay numbers.
@Suite struct CSVTextTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), ("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""),
        ("@SUM(A1:A2)", "\"'@SUM(A1:A2)\""), ("+1+1", "\"'+1+1\""), ("-2+3", "\"'-2+3\""), ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""),
    ])
    func formulasAreShownAsText(cell: String, expected: String) {
        #expect(CSVText.line([cell]) == expected)
    }

    @Test(arguments: ["-12", "-0.000000001", "+5", "1.5e-3", "-2E+10", "plain", "a,b"])
    func numbersAndOrdinaryTextAreUnchanged(cell: String) {
        let line = CSVText.line([cell])
        #expect(line == cell || line == "\"\(cell)\"")
        #expect(!line.contains("'"))
    }

    @Test func lineJoinsQuotesAndLeavesNilEmpty() {
        #expect(CSVText.line(["a", nil, "say \"hi\"", "x\ny"]) == "a,,\"say \"\"hi\"\"\",\"x\ny\"")
    }
}
