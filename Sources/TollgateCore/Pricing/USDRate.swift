/// An exact price in US dollars per token.
///
/// Stored as a fixed-point integer: ``units`` = USD per token × 10^25. Prices are read from
/// decimal text with at most 24 fractional digits per token (the most any catalog price
/// uses), so the 25th digit is always zero for a parsed price and halving one — the Batch
/// API's default 50 % discount — is always exact. Nothing here uses `Double`.
///
/// Codable as a JSON string holding the exact per-token decimal (`"0.0000025"`).
public struct USDRate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Number of decimal places kept: ``units`` is USD per token × 10^25.
    public static let fractionalDigits = 25

    /// Most fractional digits accepted by ``init(perToken:)``; one less than the storage
    /// scale so that half of any parsed rate is still exact.
    public static let maxParsedFractionalDigits = 24

    /// The price in units of 10^-25 USD per token. Never negative.
    public let units: Int128

    /// A rate of zero.
    public static let zero = USDRate(uncheckedUnits: 0)

    private init(uncheckedUnits: Int128) {
        self.units = uncheckedUnits
    }

    /// A rate from raw ``units`` (USD per token × 10^25); nil when negative.
    public init?(units: Int128) {
        guard units >= 0 else { return nil }
        self.units = units
    }

    /// Parses a USD-per-token decimal literal exactly from its text, as written in JSON or
    /// elsewhere: `"3e-06"`, `"1.0000000000000001e-07"`, `"0.0"`, `"2.5E-6"`.
    ///
    /// Returns nil for malformed text, a negative price, or more than 24 fractional digits.
    public init?(perToken text: some StringProtocol) {
        guard let units = ExactDecimal.scaled(text, fractionalDigits: Self.maxParsedFractionalDigits),
            units >= 0
        else { return nil }
        let (scaled, overflow) = units.multipliedReportingOverflow(by: 10)
        guard !overflow else { return nil }
        self.units = scaled
    }

    /// Parses a USD-per-1M-tokens decimal exactly (`"0.15"`, `"2.50"`,
    /// `"0.100000000000000001"`). At most 18 fractional digits (24 per token).
    ///
    /// Returns nil for malformed text, a negative price, or too much precision.
    public init?(perMillion text: some StringProtocol) {
        // USD per 1M tokens × 10^18 == USD per token × 10^24.
        guard let units = ExactDecimal.scaled(text, fractionalDigits: Self.maxParsedFractionalDigits - 6),
            units >= 0
        else { return nil }
        let (scaled, overflow) = units.multipliedReportingOverflow(by: 10)
        guard !overflow else { return nil }
        self.units = scaled
    }

    /// Parses per-token text at full storage precision (25 digits), as written by
    /// ``description`` — used by decoding, which must read back halved rates.
    init?(storedText text: some StringProtocol) {
        guard let units = ExactDecimal.scaled(text, fractionalDigits: Self.fractionalDigits), units >= 0 else {
            return nil
        }
        self.units = units
    }

    /// The exact USD-per-token decimal without trailing zeros, e.g. `"0.0000025"`.
    public var description: String {
        ExactDecimal.format(units, fractionalDigits: Self.fractionalDigits)
    }

    /// The exact USD-per-1M-tokens decimal without trailing zeros, e.g. `"2.5"`.
    public var perMillionString: String {
        ExactDecimal.format(units, fractionalDigits: Self.fractionalDigits - 6)
    }

    /// The rate × numerator / denominator when that is exact at the storage scale, else nil
    /// (also nil for a non-positive denominator, a negative numerator or overflow).
    /// Half a parsed rate, `scaled(numerator: 1, denominator: 2)`, is always exact.
    public func scaled(numerator: Int128, denominator: Int128) -> USDRate? {
        guard denominator > 0, numerator >= 0 else { return nil }
        let (product, overflow) = units.multipliedReportingOverflow(by: numerator)
        guard !overflow, product % denominator == 0 else { return nil }
        return USDRate(units: product / denominator)
    }

    /// Orders rates by price.
    public static func < (lhs: USDRate, rhs: USDRate) -> Bool { lhs.units < rhs.units }

    /// Decodes a rate from a JSON string holding the exact per-token decimal.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let rate = USDRate(storedText: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not a non-negative USD-per-token decimal with at most 25 fractional digits: \"\(text)\""
            )
        }
        self = rate
    }

    /// Encodes the rate as a JSON string holding the exact per-token decimal.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
