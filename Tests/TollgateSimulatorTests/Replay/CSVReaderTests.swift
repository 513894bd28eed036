import Testing
import TollgateSimulator

@Suite struct CSVReaderTests {
    @Test(
        arguments: [
            ("a,b,c", [["a", "b", "c"]]),
            ("a,b\nc,d\n", [["a", "b"], ["c", "d"]]),
            ("a,b\r\nc,d\r\n", [["a", "b"], ["c", "d"]]),
            ("a\rb", [["a"], ["b"]]),
            ("\"a,b\",c", [["a,b", "c"]]),
            ("\"say \"\"hi\"\"\",x", [["say \"hi\"", "x"]]),
            ("\"line one\nline two\",x\ny,z", [["line one\nline two", "x"], ["y", "z"]]),
            ("\"keeps\r\nCRLF\"", [["keeps\r\nCRLF"]]),
            (",,", [["", "", ""]]),
            ("a,", [["a", ""]]),
            ("\"\",\"\"", [["", ""]]),
            ("a\n\nb", [["a"], [""], ["b"]]),
            ("\u{FEFF}id,name\n1,é", [["id", "name"], ["1", "é"]]),
            ("\"\"\"\"", [["\""]]),
            ("", []),
        ] as [(String, [[String]])])
    func readsRecords(text: String, expected: [[String]]) throws {
        #expect(try CSVReader.records(text) == expected)
    }

    @Test(
        arguments: [
            ("\"never closed", 1),
            ("a,\"b\nc", 2),
            ("ab\"c,d", 1),
            ("\"a\"b,c", 1),
            ("x\n\"a\" ,c", 2),
        ] as [(String, Int)])
    func refusesMalformedText(text: String, line: Int) {
        #expect {
            _ = try CSVReader.records(text)
        } throws: { error in
            (error as? CSVReader.Failure)?.line == line
        }
    }

    @Test func lineNumbersCountBreaksInsideQuotedFields() {
        #expect {
            _ = try CSVReader.records("\"one\ntwo\nthree\",ok\nbad\"")
        } throws: { error in
            (error as? CSVReader.Failure)?.line == 4
        }
    }

    @Test func invalidUTF8IsReplacedNotRefused() throws {
        let records = try CSVReader.records(utf8: [0x61, 0x2C, 0xFF, 0x62])
        #expect(records == [["a", "\u{FFFD}b"]])
    }
}
