/// How much of a group's cost is known: unpriced calls have no cost, so a sum over them is a lower bound
/// or nothing at all. Every report labels its amounts with this (docs/reports.md, "Unknown cost").
public enum CostKnowledge: String, Sendable, Hashable, Codable {
    /// Every call is priced: the amount is the cost.
    case complete
    /// Some calls are unpriced: the amount is a lower bound (`≥ $1.23`, `cost_complete: false`).
    case partial
    /// Every call is unpriced: the cost is unknown (`unknown`, JSON `null`).
    case unknown

    /// The knowledge of a sum over `calls` calls of which `unpricedCalls` have no price.
    public static func of(calls: Int64, unpricedCalls: Int64) -> CostKnowledge {
        if unpricedCalls <= 0 { return .complete }
        return unpricedCalls >= calls ? .unknown : .partial
    }

    /// The knowledge of spend measures.
    public static func of(_ measures: SpendMeasures) -> CostKnowledge {
        of(calls: measures.calls, unpricedCalls: measures.unpricedCalls)
    }

    /// Whether the amount is the whole cost (JSON `cost_complete`, CSV `cost_complete`).
    public var isComplete: Bool { self == .complete }
}

/// Text for report amounts and ratios: short dollars for tables, exact or fixed-precision decimals for JSON and CSV.
public enum ReportText {
    /// Dollars for a table cell, legible at any size: two decimals (cents, grouped) from $1 up, three significant
    /// digits below (`$0.00820`, `$0.000123`), `$0.00` for zero. Exact values are in `--json` / `--csv`.
    public static func dollars(_ nano: Int64) -> String {
        let sign = nano < 0 ? "-" : ""
        let magnitude = Int128(nano.magnitude)
        if magnitude == 0 { return "$0.00" }
        if magnitude >= 995_000_000 {
            let cents = (magnitude + 5_000_000) / 10_000_000
            let fraction = String(cents % 100)
            return sign + "$" + grouped(cents / 100) + "." + (fraction.count == 1 ? "0" : "") + fraction
        }
        // Below a dollar: three significant digits, at most nine decimals.
        var decimals = 3
        var threshold: Int128 = 100_000_000  // 0.1 USD
        while magnitude < threshold && decimals < 9 {
            decimals += 1
            threshold /= 10
        }
        let scale = pow10(9 - decimals)
        let rounded = (magnitude + scale / 2) / scale
        let text = String(rounded)
        let padded = String(repeating: "0", count: max(0, decimals - text.count)) + text
        return sign + "$0." + padded.suffix(decimals)
    }

    /// A table cell for an amount of the given knowledge: `$1.23`, `≥ $1.23`, or `unknown`.
    public static func cost(_ nano: Int64, _ knowledge: CostKnowledge) -> String {
        switch knowledge {
        case .complete: dollars(nano)
        case .partial: "≥ " + dollars(nano)
        case .unknown: "unknown"
        }
    }

    /// A CSV cell: exact decimal USD, or `unknown` when no call is priced (partial sums carry `cost_complete=false`).
    public static func csvCost(_ nano: Int64, _ knowledge: CostKnowledge) -> String {
        knowledge == .unknown ? "unknown" : Money.format(nanoUSD: nano)
    }

    /// A ratio, percentage or average as a decimal string with `digits` decimals, rounded half away from zero
    /// (`0.875` → `"0.875000"`); nil stays nil. JSON and CSV never print binary floating point.
    public static func fixed(_ value: Double?, digits: Int = 6) -> String? {
        guard let value, value.isFinite else { return nil }
        let scale = Double(pow10(digits))
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 1.0e37 else { return nil }
        let units = Int128(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        return sign + ExactDecimal.formatFixed(units, fractionalDigits: digits)
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int128) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    static func pow10(_ n: Int) -> Int128 {
        var v: Int128 = 1
        for _ in 0..<max(0, n) { v *= 10 }
        return v
    }
}

extension ExactDecimal {
    /// `units ÷ 10^digits` with exactly `digits` decimals (`875000, 6` → `"0.875000"`); units ≥ 0.
    static func formatFixed(_ units: Int128, fractionalDigits digits: Int) -> String {
        let scale = ReportText.pow10(digits)
        let whole = String(units / scale)
        guard digits > 0 else { return whole }
        let fraction = String(units % scale)
        return whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
