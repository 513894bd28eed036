import TollgateCore

extension Format {
    /// Token counts in a few characters: `950`, `12.3K`, `4.5M`, `1.2B`.
    static func compact(_ value: Int64) -> String {
        let units: [(Int64, String)] = [(1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")]
        for (scale, suffix) in units where value.magnitude >= UInt64(scale) {
            let tenths = (value * 10 + (value >= 0 ? scale / 2 : -scale / 2)) / scale
            return "\(tenths / 10).\(abs(tenths % 10))\(suffix)"
        }
        return "\(value)"
    }

    /// A cost cell: `$1.23`, `≥ $1.23` when some calls are unpriced, `unknown` when all are (never `$0`).
    static func cost(_ measures: SpendMeasures) -> String {
        ReportText.cost(measures.costNanoUSD, CostKnowledge.of(measures))
    }

    /// A percentage with one decimal, or `-`.
    static func percent(_ fraction: Double?) -> String {
        fraction.map { KPIReport.formatPercent($0) } ?? "-"
    }

    /// A relative change with sign, or `-`.
    static func trend(_ fraction: Double?) -> String {
        fraction.map { KPIReport.signedPercent($0) } ?? "-"
    }
}
