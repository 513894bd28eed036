import TollgateCore

extension TextTable {
    /// The table with its widest left-aligned cells shortened (ending in `…`) until it fits `width` columns.
    func fitted(to width: Int = 80) -> TextTable {
        var widths = columns.map(\.title.count)
        for row in rows + (footer.map { [$0] } ?? []) {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], TerminalText.visible(cell).count) }
        }
        let total = widths.reduce(0, +) + 2 * max(0, widths.count - 1)
        guard total > width else { return self }
        var excess = total - width
        var limits = widths
        let shrinkable = columns.indices.filter { columns[$0].alignment == .left }
        while excess > 0 {
            guard let widest = shrinkable.max(by: { limits[$0] < limits[$1] }), limits[widest] > max(6, columns[widest].title.count) else { break }
            limits[widest] -= 1
            excess -= 1
        }
        func cut(_ cells: [String]) -> [String] {
            cells.enumerated().map { i, cell in
                i < limits.count && cell.count > limits[i] ? String(cell.prefix(limits[i] - 1)) + "…" : cell
            }
        }
        var copy = self
        copy.rows = rows.map(cut)
        copy.footer = footer.map(cut)
        return copy
    }
}

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

    /// A cost cell: dollars, or `unpriced` when every call of the group has no price (never `$0`).
    static func cost(_ measures: SpendMeasures) -> String {
        measures.calls > 0 && measures.unpricedCalls == measures.calls ? "unpriced" : dollars(measures.costNanoUSD)
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
