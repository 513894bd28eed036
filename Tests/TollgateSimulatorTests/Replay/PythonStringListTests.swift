import Testing
import TollgateSimulator

@Suite struct PythonStringListTests {
    @Test(
        arguments: [
            ("['question text']", ["question text"]),
            ("[\"it's here\"]", ["it's here"]),
            ("['say \"hi\"']", ["say \"hi\""]),
            ("['don\\'t']", ["don't"]),
            ("['a\\nb\\tc\\r\\\\d']", ["a\nb\tc\r\\d"]),
            ("['first', \"second\", 'third']", ["first", "second", "third"]),
            ("[ 'spaced' ,'trailing comma', ]", ["spaced", "trailing comma"]),
            ("  []  ", []),
            ("['AgNO3 \\x02+ NaCl']", ["AgNO3 \u{02}+ NaCl"]),
            ("['\\u00e9t\\u00E9 \\U0001F600']", ["été 😀"]),
            ("['caf\u{e9} raw']", ["café raw"]),
            ("['\\101\\0\\7']", ["A\u{0}\u{7}"]),
            ("['bell\\a feed\\f back\\b vt\\v']", ["bell\u{07} feed\u{0C} back\u{08} vt\u{0B}"]),
            ("['unknown \\d escape']", ["unknown \\d escape"]),
            ("['joined ' 'literals', u'prefixed']", ["joined literals", "prefixed"]),
            ("['con\\\ntinued']", ["continued"]),
            ("['', \"\"]", ["", ""]),
        ] as [(String, [String])])
    func decodesLiterals(text: String, expected: [String]) throws {
        #expect(try PythonStringList.parse(text) == expected)
    }

    @Test(arguments: [
        "plain text",
        "['unclosed]",
        "['a' 'b'",
        "['a'] extra",
        "['a',, 'b']",
        "[r'raw']",
        "[b'bytes']",
        "['''triple''']",
        "['\\x4']",
        "['\\xZZ']",
        "['\\N{BULLET}']",
        "['line\nbreak']",
        "['\\ud800']",
        "[42]",
    ])
    func refusesWhatIsNotAListOfStrings(text: String) {
        #expect(throws: PythonStringList.Failure.self) {
            _ = try PythonStringList.parse(text)
        }
    }
}
