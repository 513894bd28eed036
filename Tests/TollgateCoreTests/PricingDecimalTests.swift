import Foundation
import Testing
import TollgateCore
import TollgateTestKit

/// Exact decimal parsing and rendering of rates and money.
@Suite struct PricingDecimalTests {
    @Test(arguments: [
        ("3e-06", "0.000003", "3"),
        ("2.5E-6", "0.0000025", "2.5"),
        ("0.0", "0", "0"),
        ("0", "0", "0"),
        ("-0", "0", "0"),
        ("1e-05", "0.00001", "10"),
        ("1.0000000000000001e-07", "0.00000010000000000000001", "0.10000000000000001"),
        ("5.0000000000000004E-8", "0.000000050000000000000004", "0.050000000000000004"),
        ("0.000002", "0.000002", "2"),
        ("1E-24", "0.000000000000000000000001", "0.000000000000000001"),
        ("12", "12", "12000000"),
        ("1.50e+1", "15", "15000000"),
    ])
    func perTokenParsesExactly(text: String, perToken: String, perMillion: String) throws {
        let rate = try #require(USDRate(perToken: text))
        #expect(rate.description == perToken)
        #expect(rate.perMillionString == perMillion)
        #expect(USDRate(perToken: rate.description) == rate)
    }

    @Test(arguments: ["", "abc", "1e", "1.2.3", " 1", "1 ", "e5", ".", "-1e-6", "-0.5", "1e-25", "0x10", "1,5", "NaN", "Infinity", "1e99"])
    func perTokenRejects(text: String) {
        #expect(USDRate(perToken: text) == nil)
    }

    @Test func perMillionParsesExactly() throws {
        #expect(USDRate(perMillion: "0.15") == USDRate(perToken: "1.5e-7"))
        #expect(USDRate(perMillion: "2.50")?.perMillionString == "2.5")
        #expect(USDRate(perMillion: "2.50")?.description == "0.0000025")
        let fine = try #require(USDRate(perMillion: "0.100000000000000001"))
        #expect(fine.perMillionString == "0.100000000000000001")
        #expect(fine.description == "0.000000100000000000000001")
        #expect(USDRate(perMillion: "0.1000000000000000001") == nil)
        #expect(USDRate(perMillion: "-1") == nil)
        #expect(USDRate(perMillion: "x") == nil)
    }

    @Test func unitsScaleAndOrdering() throws {
        let a = try PricingTestSupport.rate("1e-6")
        let b = try PricingTestSupport.rate("2e-6")
        #expect(a.units == 10_000_000_000_000_000_000)
        #expect(a < b)
        #expect(USDRate(units: -1) == nil)
        #expect(USDRate(units: 0) == .zero)
    }

    @Test func scaledIsExactOrNil() throws {
        let odd = try PricingTestSupport.rate("1.0000000000000001e-07")
        let half = try #require(odd.scaled(numerator: 1, denominator: 2))
        #expect(half.description == "0.000000050000000000000005")
        #expect(odd.scaled(numerator: 1, denominator: 3) == nil)
        let quarter = try #require(half.scaled(numerator: 1, denominator: 2))
        #expect(quarter.description == "0.0000000250000000000000025")
        #expect(quarter.scaled(numerator: 1, denominator: 2) == nil)  // would need a 26th digit
        #expect(odd.scaled(numerator: 4, denominator: 5)?.description == "0.000000080000000000000008")
        #expect(odd.scaled(numerator: 1, denominator: 0) == nil)
        #expect(odd.scaled(numerator: -1, denominator: 1) == nil)
    }

    @Test func rateCodableIsAnExactString() throws {
        let half = try #require(PricingTestSupport.rate("1.0000000000000001e-07").scaled(numerator: 1, denominator: 2))
        let data = try JSONEncoder().encode([half])
        #expect(String(decoding: data, as: UTF8.self) == #"["0.000000050000000000000005"]"#)
        #expect(try JSONDecoder().decode([USDRate].self, from: data) == [half])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([USDRate].self, from: Data(#"["-1"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([USDRate].self, from: Data(#"[0.5]"#.utf8)) }
    }

    @Test(arguments: [
        (Int64(7_250_000), "0.00725"),
        (0, "0"),
        (12_345_678_900, "12.3456789"),
        (1, "0.000000001"),
        (-1_500_000_000, "-1.5"),
        (1_000_000_000, "1"),
        (Int64.max, "9223372036.854775807"),
        (Int64.min, "-9223372036.854775808"),
    ])
    func moneyFormatsAndParsesBack(nano: Int64, text: String) {
        #expect(Money.format(nanoUSD: nano) == text)
        #expect(Money.parseUSD(text) == nano)
    }

    @Test func moneyParseIsExact() {
        #expect(Money.parseUSD("0.00725") == 7_250_000)
        #expect(Money.parseUSD("2e-3") == 2_000_000)
        #expect(Money.parseUSD("1.000000000000") == 1_000_000_000)
        #expect(Money.parseUSD("1e-10") == nil)
        #expect(Money.parseUSD("0.0000000005") == nil)
        #expect(Money.parseUSD("9223372036.854775808") == nil)
        #expect(Money.parseUSD("twelve") == nil)
        #expect(Money.parseUSD("") == nil)
    }
}
