import Foundation
import TollgateCore
import TollgateStore

/// `report spend` as JSON, CSV and a table, from its rows.
struct SpendOutput {
    var dimension: SpendDimension
    var since: String
    var until: String
    var rows: [SpendRow]

    var total: SpendRow {
        var t = SpendRow(group: "total")
        for r in rows {
            t.calls += r.calls
            t.refusedCalls += r.refusedCalls
            t.inputTokens += r.inputTokens
            t.cachedTokens += r.cachedTokens
            t.outputTokens += r.outputTokens
            t.costNanoUSD += r.costNanoUSD
            t.unpricedCalls += r.unpricedCalls
            t.estimatedCalls += r.estimatedCalls
            t.failedCalls += r.failedCalls
        }
        return t
    }

    /// No call, served or refused, in the window.
    var isEmpty: Bool { rows.allSatisfy { $0.calls == 0 && $0.refusedCalls == 0 } }

    /// The row's share of the known total, as a fraction; nil when either is unknown or zero.
    func share(_ row: SpendRow, of total: SpendRow) -> Double? {
        guard row.knowledge != .unknown, total.costNanoUSD > 0 else { return nil }
        return Double(row.costNanoUSD) / Double(total.costNanoUSD)
    }

    func measures(_ row: SpendRow, total: SpendRow) -> [String: Any] {
        let unknown = row.knowledge == .unknown
        var item: [String: Any] = [
            "calls": row.calls, "refused_calls": row.refusedCalls, "input_tokens": row.inputTokens, "cached_tokens": row.cachedTokens,
            "output_tokens": row.outputTokens, "cost_usd": unknown ? NSNull() : Money.format(nanoUSD: row.costNanoUSD),
            "cost_nano_usd": unknown ? NSNull() : row.costNanoUSD, "cost_complete": row.knowledge.isComplete,
            "unpriced_calls": row.unpricedCalls, "estimated_calls": row.estimatedCalls, "failed_calls": row.failedCalls,
            "share": ReportJSON.optional(ReportText.fixed(share(row, of: total))),
        ]
        if dimension == .model { item["served_models"] = row.servedModels }
        if let start = row.periodStart { item["period_start"] = start }
        return item
    }

    func json() -> [String: Any] {
        let total = total
        return [
            "by": dimension.rawValue, "since": since, "until": until,
            "rows": rows.map { row -> [String: Any] in
                var item = measures(row, total: total)
                item[dimension.rawValue] = ReportJSON.optional(row.group)
                return item
            },
            "total": measures(total, total: total),
            "total_cost_nano_usd": total.knowledge == .unknown ? NSNull() : total.costNanoUSD,
        ]
    }

    func csv() -> String {
        let extra = dimension == .model ? ["served_models"] : dimension.grain != nil ? ["period_start"] : []
        var out = [
            CSV.line(
                [dimension.rawValue] + extra + [
                    "calls", "refused_calls", "input_tokens", "cached_tokens", "output_tokens", "cost_usd", "cost_complete", "unpriced_calls",
                    "estimated_calls", "failed_calls",
                ])
        ]
        func line(_ name: String, _ row: SpendRow, _ extraCells: [String]) -> String {
            CSV.line(
                [name] + extraCells + [
                    "\(row.calls)", "\(row.refusedCalls)", "\(row.inputTokens)", "\(row.cachedTokens)", "\(row.outputTokens)",
                    ReportText.csvCost(row.costNanoUSD, row.knowledge), row.knowledge.isComplete ? "true" : "false", "\(row.unpricedCalls)",
                    "\(row.estimatedCalls)", "\(row.failedCalls)",
                ])
        }
        for row in rows {
            let cells = dimension == .model ? [row.servedModels.joined(separator: " ")] : dimension.grain != nil ? [row.periodStart ?? ""] : []
            out.append(line(row.group ?? "", row, cells))
        }
        out.append(line("total", total, extra.map { _ in "" }))
        return out.joined(separator: "\n")
    }

    func text() -> String {
        let total = total
        let byModel = dimension == .model
        let byWeek = dimension == .week
        let name = dimension.grain.map { "\($0.rawValue) (UTC)" } ?? dimension.rawValue
        var table = TextTable(
            columns: [(name, .left)] + (byModel ? [("served as", .left)] : []) + (byWeek ? [("from", .left)] : []) + [
                ("calls", .right), ("refused", .right), ("in tok", .right), ("out tok", .right), ("cost", .right), ("share", .right),
                ("unpriced", .right), ("est.", .right),
            ])
        table.optional = ["est.", "in tok", "out tok", "served as"]
        for row in rows {
            let label = row.group ?? GroupedSpend.unattributed
            let served = row.servedModels.filter { $0 != row.group }.joined(separator: ", ")
            table.rows.append([label] + (byModel ? [served] : []) + (byWeek ? [row.periodStart ?? ""] : []) + cells(row, total))
        }
        table.footer = ["total"] + (byModel || byWeek ? [""] : []) + cells(total, total)
        var out = ["Spend by \(dimension.rawValue), \(since) to \(until) (exclusive; UTC)", table.render()]
        if total.unpricedCalls > 0 {
            out.append(
                "Unpriced calls have no known cost: `unknown` means no call of the row is priced, `≥` a lower bound. Add prices for their models.")
        }
        if byModel {
            out.append("model is the model asked for; `served as` names the model the provider ran when it differs (--by served_model groups by it).")
        }
        return out.joined(separator: "\n")
    }

    func cells(_ row: SpendRow, _ total: SpendRow) -> [String] {
        [
            Format.grouped(row.calls), Format.grouped(row.refusedCalls), Format.grouped(row.inputTokens), Format.grouped(row.outputTokens),
            ReportText.cost(row.costNanoUSD, row.knowledge), Format.percent(share(row, of: total)), Format.grouped(row.unpricedCalls),
            Format.grouped(row.estimatedCalls),
        ]
    }
}
