import Testing
import TollgateCore

/// The built-in detectors and custom patterns, on plain text.
@Suite struct PIIRedactorTests {
    let redactor = PIIRedactor()

    func redacted(_ text: String) -> String { redactor.redact(text).text }

    // MARK: Email

    @Test(arguments: [
        ("mail john.doe@example.com now", "mail [REDACTED_EMAIL] now"),
        ("a+tag@sub.example.co.uk", "[REDACTED_EMAIL]"),
        ("<o'brien_99@mail-server.example.org>", "<[REDACTED_EMAIL]>"),
        ("end of sentence: ann@example.com.", "end of sentence: [REDACTED_EMAIL]."),
        ("(x@y.io)", "([REDACTED_EMAIL])"),
        ("jörg@bücher.de", "[REDACTED_EMAIL]"),
        ("punycode a@xn--80ak6aa92e.xn--p1ai", "punycode [REDACTED_EMAIL]"),
        ("see...john@example.com", "see...[REDACTED_EMAIL]"),
    ])
    func emailsAreRedacted(input: String, expected: String) {
        #expect(redacted(input) == expected)
    }

    @Test(arguments: [
        "user@localhost", "@handle on social", "foo@bar", "mail at example.com", "a@-bad.com", "x@example.c0m", "trailing. @example.com",
    ])
    func nonEmailsAreKept(input: String) {
        #expect(redacted(input) == input)
    }

    // MARK: Card

    @Test(arguments: [
        ("card 4111 1111 1111 1111 exp", "card [REDACTED_CARD] exp"),
        ("4111-1111-1111-1111", "[REDACTED_CARD]"),
        ("5555555555554444", "[REDACTED_CARD]"),
        ("amex 3782 822463 10005.", "amex [REDACTED_CARD]."),
        ("4111 1111 1111 1111 2024", "[REDACTED_CARD] 2024"),
        ("6011000990139424", "[REDACTED_CARD]"),
    ])
    func luhnValidCardsAreRedacted(input: String, expected: String) {
        #expect(redacted(input) == expected)
    }

    @Test(arguments: [
        "4111 1111 1111 1112",  // fails Luhn
        "4111111111111112",  // fails Luhn, one run
        "ref 1234567812345678",  // fails Luhn
        "4111 1111 1111 11",  // 14 digits in 4-4-4-2: groups of two are not card groups
        "id41111111111111111",  // glued to letters
        "3.4111111111111111",  // a decimal
    ])
    func nonCardsAreKept(input: String) {
        #expect(redactor.redact(input).counts["card"] == nil)
    }

    // MARK: IBAN

    @Test(arguments: [
        ("IBAN DE89 3704 0044 0532 0130 00, thanks", "IBAN [REDACTED_IBAN], thanks"),
        ("DE89370400440532013000", "[REDACTED_IBAN]"),
        ("GB82 WEST 1234 5698 7654 32", "[REDACTED_IBAN]"),
        ("gb82west12345698765432", "[REDACTED_IBAN]"),
        ("FR1420041010050500013M02606", "[REDACTED_IBAN]"),
        ("NO9386011117947", "[REDACTED_IBAN]"),
    ])
    func validIBANsAreRedacted(input: String, expected: String) {
        #expect(redacted(input) == expected)
    }

    @Test(arguments: [
        "DE88 3704 0044 0532 0130 00",  // bad check digits
        "DE89370400440532013001",  // bad checksum
        "DE8937040044053201300",  // one character short for Germany
        "GB82 WEST 1234 5698 7654 33",  // bad checksum
        "XX89370400440532013000",  // not a country
    ])
    func invalidIBANsAreKept(input: String) {
        let result = redactor.redact(input)
        #expect(result.counts["iban"] == nil)
        #expect(result.counts["phone"] == nil)
        #expect(result.counts["card"] == nil)
    }

    // MARK: SSN

    @Test func validSSNIsRedacted() {
        #expect(redacted("SSN 123-45-6789.") == "SSN [REDACTED_SSN].")
        #expect(redactor.redact("078-05-1120 and 219-09-9999").counts == ["ssn": 2])
    }

    @Test(arguments: [
        "000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
    ])
    func excludedSSNsAreKept(input: String) {
        // Not SSNs, and the SSN shape is not taken for a phone number either.
        #expect(redacted(input) == input)
    }

    @Test(arguments: ["123-45-67890", "1123-45-6789", "x123-45-6789", "123-45-6789-1", "123 45 6789", "123456789"])
    func otherShapesAreNotSSNs(input: String) {
        #expect(redactor.redact(input).counts["ssn"] == nil)
    }

    // MARK: Phone

    @Test(arguments: [
        ("call +1 (415) 555-2671 today", "call [REDACTED_PHONE] today"),
        ("+44 20 7946 0958", "[REDACTED_PHONE]"),
        ("+4930123456", "[REDACTED_PHONE]"),
        ("(415) 555-2671", "[REDACTED_PHONE]"),
        ("(415)555-2671", "[REDACTED_PHONE]"),
        ("415-555-2671", "[REDACTED_PHONE]"),
        ("415.555.2671", "[REDACTED_PHONE]"),
        ("1-800-555-0199", "[REDACTED_PHONE]"),
        ("tel: 030 1234567", "tel: [REDACTED_PHONE]"),
        ("01 23 45 67 89", "[REDACTED_PHONE]"),
        ("+34 612 345 678", "[REDACTED_PHONE]"),
        ("555-1234", "[REDACTED_PHONE]"),
        ("call 555 123 4567 2 times", "call [REDACTED_PHONE] 2 times"),
    ])
    func phonesAreRedacted(input: String, expected: String) {
        #expect(redacted(input) == expected)
    }

    @Test(arguments: [
        "order 123456789012 shipped",  // plain long number
        "timestamp 1764151200000",
        "order #415-555-2671",
        "order #415 555 2671",
        "ORD-2024-000123",
        "in 2024 and 2025",  // years
        "on 2026-11-26",  // ISO date
        "on 2026-11-26 10:30",
        "am 26.11.2026",
        "due 11-26-2026",
        "from 2020-2024",
        "invoice 2024-1234567",
        "price $1,299.99",
        "1299.99 EUR",
        "12 499.00 EUR",
        "€1.234.567",
        "population 1 234 567",
        "12.345.678 units",
        "host 192.168.100.200",
        "host 10.20.30.40",
        "version 1.2.3",
        "3.1415926535",
        "50% of 1234567",
        "1234 5678 9012 34",
    ])
    func nonPhonesAreKept(input: String) {
        #expect(redacted(input) == input)
    }

    @Test func cardAndIBANDigitsAreNotPhones() {
        let result = redactor.redact("pay 4111 1111 1111 1111 or DE89 3704 0044 0532 0130 00")
        #expect(result.text == "pay [REDACTED_CARD] or [REDACTED_IBAN]")
        #expect(result.counts == ["card": 1, "iban": 1])
    }

    // MARK: Counting, kinds and custom patterns

    @Test func multipleMatchesAreCounted() {
        let result = redactor.redact("a@example.com, b@example.com; call 415-555-2671 or +44 20 7946 0958; SSN 123-45-6789")
        #expect(result.text == "[REDACTED_EMAIL], [REDACTED_EMAIL]; call [REDACTED_PHONE] or [REDACTED_PHONE]; SSN [REDACTED_SSN]")
        #expect(result.counts == ["email": 2, "phone": 2, "ssn": 1])
    }

    @Test func onlyChosenKindsRun() {
        let emailOnly = PIIRedactor(kinds: [.email])
        let result = emailOnly.redact("a@example.com 415-555-2671 4111111111111111")
        #expect(result.text == "[REDACTED_EMAIL] 415-555-2671 4111111111111111")
        #expect(result.counts == ["email": 1])
        #expect(PIIRedactor(kinds: []).redact("a@example.com").counts.isEmpty)
    }

    @Test func nothingFoundLeavesTextAlone() {
        let text = "Summarise the 3 key points of this article about Swift 6.2, please."
        let result = redactor.redact(text)
        #expect(result.text == text)
        #expect(result.counts.isEmpty)
    }

    @Test func customPatternsAreRedactedUnderTheirName() throws {
        let redactor = PIIRedactor(patterns: [
            try PIIRedactor.Pattern(name: "employee_id", regex: "EMP-[0-9]{6}"),
            try PIIRedactor.Pattern(name: "ticket", regex: #"\bTCK[0-9]+\b"#),
        ])
        let result = redactor.redact("EMP-123456 filed TCK42 and TCK7 from bob@example.com; résumé EMP-654321")
        #expect(
            result.text == "[REDACTED_EMPLOYEE_ID] filed [REDACTED_TICKET] and [REDACTED_TICKET] from [REDACTED_EMAIL]; résumé [REDACTED_EMPLOYEE_ID]"
        )
        #expect(result.counts == ["employee_id": 2, "ticket": 2, "email": 1])
    }

    @Test func customPatternsDoNotOverlapBuiltInMatches() throws {
        let redactor = PIIRedactor(patterns: [try PIIRedactor.Pattern(name: "domain", regex: "example\\.com")])
        #expect(redactor.redact("bob@example.com and example.com").text == "[REDACTED_EMAIL] and [REDACTED_DOMAIN]")
    }

    @Test func badPatternsThrowClearErrors() {
        do {
            _ = try PIIRedactor.Pattern(name: "broken", regex: "EMP-([0-9]")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("broken"))
            #expect(error.message.contains("EMP-([0-9]"))
            #expect(error.description.contains("invalid regular expression"))
        }
        #expect(throws: PIIRedactor.PatternError.self) { try PIIRedactor.Pattern(name: "", regex: "x") }
        do {
            _ = try PIIRedactor.Pattern(name: "empty", regex: "a*")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("matches the empty string"))
        }
    }

    @Test func oneRedactorServesManyTasks() async throws {
        let shared = PIIRedactor(patterns: [try PIIRedactor.Pattern(name: "employee_id", regex: "EMP-[0-9]{6}")])
        let results = await withTaskGroup(of: [String: Int].self) { group in
            for k in 0..<32 {
                group.addTask { shared.redact("task \(k): EMP-\(100_000 + k) mailed t\(k)@example.com").counts }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == ["employee_id": 1, "email": 1] })
    }

    @Test func kindRawValuesAreTheCountKeys() {
        #expect(PIIRedactor.Kind.allCases.map(\.rawValue) == ["email", "phone", "card", "iban", "ssn", "custom"])
    }
}
