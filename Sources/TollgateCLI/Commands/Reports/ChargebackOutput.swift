import Foundation
import TollgateCore

/// `report chargeback` as JSON, CSV and a table: one line per charged team, then the pool's parts (shared teams
/// and unattributed spend, with what was redistributed), so the direct column sums to the ledger.
struct ChargebackOutput {
    var result: Chargeback
    var period: ReportPeriod

    /// A line's amounts: `unknown` when all its calls are unpriced and nothing was allocated to it, a lower bound
    /// (`≥`) when some are unpriced.
    static func knowledge(calls: Int64, unpriced: Int64, allocated: Int64 = 0) -> CostKnowledge {
        let k = CostKnowledge.of(calls: calls, unpricedCalls: unpriced)
        return k == .unknown && allocated != 0 ? .partial : k
    }

    var charged: Int64 { Int64(clamping: result.chargedTotalNanoUSD) }
    var totalKnowledge: CostKnowledge {
        let calls = result.lines.reduce(0) { $0 + $1.calls } + result.pool.reduce(0) { $0 + $1.calls }
        return CostKnowledge.of(calls: calls, unpricedCalls: result.unpricedCalls)
    }

    func json() -> [String: Any] {
        [
            "report": "chargeback", "period": ReportJSON.period(period), "rule": result.rule.rawValue,
            "ledger_cost_nano_usd": result.ledgerNanoUSD, "ledger_cost_usd": Money.format(nanoUSD: result.ledgerNanoUSD),
            "pool_nano_usd": result.poolNanoUSD, "unallocated_nano_usd": result.unallocatedNanoUSD, "unpriced_calls": result.unpricedCalls,
            "cost_complete": totalKnowledge.isComplete, "charged_total_nano_usd": charged, "charged_total_usd": Money.format(nanoUSD: charged),
            "teams": result.lines.map { l -> [String: Any] in
                let direct = Self.knowledge(calls: l.calls, unpriced: l.unpricedCalls)
                return [
                    "team": l.team, "tier": l.tier, "calls": l.calls, "refused_calls": l.refusedCalls, "unpriced_calls": l.unpricedCalls,
                    "cost_complete": direct.isComplete, "direct_nano_usd": direct == .unknown ? NSNull() : l.directNanoUSD,
                    "allocated_nano_usd": l.allocatedNanoUSD, "list_nano_usd": l.listNanoUSD, "surcharge_nano_usd": l.surchargeNanoUSD,
                    "charged_nano_usd": l.chargedNanoUSD, "list_usd": Money.format(nanoUSD: l.listNanoUSD),
                    "charged_usd": Money.format(nanoUSD: l.chargedNanoUSD),
                ]
            },
            "pool": result.pool.map { p -> [String: Any] in
                let direct = Self.knowledge(calls: p.calls, unpriced: p.unpricedCalls)
                return [
                    "team": ReportJSON.optional(p.team), "kind": p.kind, "calls": p.calls, "refused_calls": p.refusedCalls,
                    "unpriced_calls": p.unpricedCalls, "cost_complete": direct.isComplete,
                    "direct_nano_usd": direct == .unknown ? NSNull() : p.directNanoUSD, "redistributed_nano_usd": p.redistributedNanoUSD,
                ]
            },
        ]
    }

    /// Rows: kind, team, tier, calls, refused, unpriced, direct, allocated, list, surcharge, charged (exact USD).
    func csv() -> String {
        var out = [
            CSV.line([
                "kind", "team", "tier", "calls", "refused_calls", "unpriced_calls", "cost_complete", "direct_usd", "allocated_usd", "list_usd",
                "surcharge_usd", "charged_usd",
            ])
        ]
        func usd(_ nano: Int64) -> String { Money.format(nanoUSD: nano) }
        for l in result.lines {
            let k = Self.knowledge(calls: l.calls, unpriced: l.unpricedCalls)
            out.append(
                CSV.line([
                    "team", l.team, l.tier, "\(l.calls)", "\(l.refusedCalls)", "\(l.unpricedCalls)", "\(k.isComplete)",
                    ReportText.csvCost(l.directNanoUSD, k), usd(l.allocatedNanoUSD), usd(l.listNanoUSD), usd(l.surchargeNanoUSD),
                    usd(l.chargedNanoUSD),
                ]))
        }
        for p in result.pool {
            let k = Self.knowledge(calls: p.calls, unpriced: p.unpricedCalls)
            out.append(
                CSV.line([
                    p.kind, p.team ?? "", "", "\(p.calls)", "\(p.refusedCalls)", "\(p.unpricedCalls)", "\(k.isComplete)",
                    ReportText.csvCost(p.directNanoUSD, k), usd(-p.redistributedNanoUSD), usd(p.directNanoUSD - p.redistributedNanoUSD), "0", "0",
                ]))
        }
        let t = totals
        out.append(
            CSV.line([
                "total", "", "", "\(t.calls)", "\(t.refused)", "\(result.unpricedCalls)", "\(totalKnowledge.isComplete)", usd(result.ledgerNanoUSD),
                usd(t.allocated), usd(result.ledgerNanoUSD), usd(t.surcharge), usd(charged),
            ]))
        return out.joined(separator: "\n")
    }

    var totals: (calls: Int64, refused: Int64, allocated: Int64, surcharge: Int64) {
        let calls = result.lines.reduce(0) { $0 + $1.calls } + result.pool.reduce(0) { $0 + $1.calls }
        let refused = result.lines.reduce(0) { $0 + $1.refusedCalls } + result.pool.reduce(0) { $0 + $1.refusedCalls }
        let allocated = result.lines.reduce(0) { $0 + $1.allocatedNanoUSD } - result.pool.reduce(0) { $0 + $1.redistributedNanoUSD }
        return (calls, refused, allocated, result.lines.reduce(0) { $0 + $1.surchargeNanoUSD })
    }

    func text() -> String {
        var table = TextTable(columns: [
            ("team", .left), ("tier", .left), ("calls", .right), ("refused", .right), ("direct", .right), ("allocated", .right),
            ("list", .right), ("charged", .right), ("unpriced", .right),
        ])
        table.optional = ["refused", "tier"]
        for l in result.lines {
            let k = Self.knowledge(calls: l.calls, unpriced: l.unpricedCalls)
            let listK = Self.knowledge(calls: l.calls, unpriced: l.unpricedCalls, allocated: l.allocatedNanoUSD)
            table.rows.append([
                l.team, l.tier, Format.grouped(l.calls), Format.grouped(l.refusedCalls), ReportText.cost(l.directNanoUSD, k),
                Format.money(l.allocatedNanoUSD), ReportText.cost(l.listNanoUSD, listK), ReportText.cost(l.chargedNanoUSD, listK),
                Format.grouped(l.unpricedCalls),
            ])
        }
        for p in result.pool {
            let k = Self.knowledge(calls: p.calls, unpriced: p.unpricedCalls)
            table.rows.append([
                p.team ?? GroupedSpend.unattributed, p.kind, Format.grouped(p.calls), Format.grouped(p.refusedCalls),
                ReportText.cost(p.directNanoUSD, k), Format.money(-p.redistributedNanoUSD), Format.money(p.directNanoUSD - p.redistributedNanoUSD),
                "-", Format.grouped(p.unpricedCalls),
            ])
        }
        let t = totals
        let k = totalKnowledge
        table.footer = [
            "total", "", Format.grouped(t.calls), Format.grouped(t.refused), ReportText.cost(result.ledgerNanoUSD, k), Format.money(t.allocated),
            ReportText.cost(result.ledgerNanoUSD, k), ReportText.cost(charged, k), Format.grouped(result.unpricedCalls),
        ]
        var out = [
            "Chargeback, \(period.label): ledger \(ReportText.cost(result.ledgerNanoUSD, k)), pool \(Format.money(result.poolNanoUSD)) "
                + "(shared teams and unattributed) allocated \(result.rule.rawValue)",
            table.render(),
        ]
        if result.unallocatedNanoUSD != 0 { out.append("Unallocated (no team to charge): \(Format.money(result.unallocatedNanoUSD)).") }
        if result.unpricedCalls > 0 {
            out.append("\(Format.grouped(result.unpricedCalls)) calls have no price: their cost is unknown, so amounts marked ≥ are lower bounds.")
        }
        return out.joined(separator: "\n")
    }
}
