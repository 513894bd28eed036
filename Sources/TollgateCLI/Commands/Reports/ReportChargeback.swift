import Foundation
import ArgumentParser
import TollgateCore
import TollgateStore

extension ReportCommand {
    /// `tollgate report chargeback --period 2026-10 [--rate-card FILE] [--rule even] [--statement TEAM --format markdown]`.
    struct Chargeback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Charge each team its list cost plus its share of shared and unattributed cost, with rate-card surcharges.",
            discussion: """
                Shared teams (rate_card.shared_teams) and unattributed spend form a pool spread over the other teams by the \
                allocation rule (proportional to direct cost, even, or fixed shares), with largest-remainder rounding so the \
                list costs sum to the ledger to the nano.
                """)

        @OptionGroup var location: LedgerLocation
        @OptionGroup var period: PeriodOptions
        @OptionGroup var format: FormatOptions

        @Option(help: "Rate card file (YAML or JSON, the keys of reports.rate_card). Default: reports.rate_card of --config.")
        var rateCard: String?

        @Option(help: "Allocation rule, overriding the rate card: proportional, even, fixed.")
        var rule: String?

        @Option(help: "Fixed share for --rule fixed, TEAM=SHARE (repeatable; replaces the rate card's fixed_shares).")
        var share: [String] = []

        @Option(help: "Print one team's statement instead of the summary.")
        var statement: String?

        @Option(name: .customLong("format"), help: "Statement format: markdown, csv, json.")
        var statementFormat: StatementFormat = .markdown

        enum StatementFormat: String, ExpressibleByArgument, CaseIterable { case markdown, csv, json }

        func validate() throws {
            if let rule, AllocationRule(rawValue: rule) == nil {
                throw ValidationError("--rule must be one of: \(AllocationRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for item in share {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, DecimalText.isPlainDecimal(String(parts[1])) else {
                    throw ValidationError("--share '\(item)' is not TEAM=SHARE with a non-negative decimal share")
                }
            }
        }

        func run() async throws {
            let period = try self.period.resolve()
            var card = try loadRateCard(file: rateCard, config: location.config)
            if !share.isEmpty {
                card.fixedShares = Dictionary(share.map { item in
                    let parts = item.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), String(parts[1]))
                }, uniquingKeysWith: { $1 })
            }
            if let rule = rule.flatMap(AllocationRule.init(rawValue:)) { card.allocation = rule }
            do { try card.validate() } catch { throw ValidationError(error.message) }
            let database = try location.open()
            let byTeam = try database.spend(groupedBy: [.team], period: period)
            let result = try TollgateCore.Chargeback.compute(byTeam: byTeam, rateCard: card)
            if let team = statement {
                guard let line = result.lines.first(where: { $0.team == team }) else {
                    throw ValidationError("no chargeback line for team '\(team)' in \(period.label) (teams: \(result.lines.map(\.team).joined(separator: ", ")))")
                }
                let byWorkflow = try database.spend(groupedBy: [.team, .workflow], period: period)
                    .filter { $0.keys[0] == team }.map { GroupedSpend(keys: [$0.keys[1]], measures: $0.measures) }
                let statement = try ChargebackStatement.make(line: line, byWorkflow: byWorkflow, period: period, rule: result.rule)
                print(Self.render(statement, as: statementFormat))
                return
            }
            if format.json {
                try ReportJSON.print([
                    "report": "chargeback", "period": ReportJSON.period(period), "rule": result.rule.rawValue,
                    "ledger_cost_nano_usd": result.ledgerNanoUSD, "ledger_cost_usd": Money.format(nanoUSD: result.ledgerNanoUSD),
                    "pool_nano_usd": result.poolNanoUSD, "unallocated_nano_usd": result.unallocatedNanoUSD,
                    "unpriced_calls": result.unpricedCalls,
                    "charged_total_nano_usd": "\(result.chargedTotalNanoUSD)",
                    "teams": result.lines.map { l -> [String: Any] in
                        [
                            "team": l.team, "tier": l.tier, "calls": l.calls, "unpriced_calls": l.unpricedCalls,
                            "direct_nano_usd": l.directNanoUSD, "allocated_nano_usd": l.allocatedNanoUSD, "list_nano_usd": l.listNanoUSD,
                            "surcharge_nano_usd": l.surchargeNanoUSD, "charged_nano_usd": l.chargedNanoUSD,
                            "list_usd": Money.format(nanoUSD: l.listNanoUSD), "charged_usd": Money.format(nanoUSD: l.chargedNanoUSD),
                        ]
                    },
                ])
                return
            }
            if format.csv {
                print(CSV.line(["team", "tier", "calls", "unpriced_calls", "direct_usd", "allocated_usd", "list_usd", "surcharge_usd", "charged_usd"]))
                for l in result.lines {
                    print(CSV.line([
                        l.team, l.tier, "\(l.calls)", "\(l.unpricedCalls)", Money.format(nanoUSD: l.directNanoUSD),
                        Money.format(nanoUSD: l.allocatedNanoUSD), Money.format(nanoUSD: l.listNanoUSD), Money.format(nanoUSD: l.surchargeNanoUSD),
                        Money.format(nanoUSD: l.chargedNanoUSD),
                    ]))
                }
                return
            }
            var table = TextTable(columns: [
                ("team", .left), ("tier", .left), ("direct", .right), ("allocated", .right), ("list", .right), ("charged", .right), ("unpr.", .right),
            ])
            for l in result.lines {
                table.rows.append([
                    l.team, l.tier, Format.dollars(l.directNanoUSD), Format.dollars(l.allocatedNanoUSD), Format.dollars(l.listNanoUSD),
                    Format.dollars(l.chargedNanoUSD), Format.grouped(l.unpricedCalls),
                ])
            }
            let direct = result.lines.reduce(Int64(0)) { $0 + $1.directNanoUSD }
            table.footer = [
                "total", "", Format.dollars(direct), Format.dollars(result.poolNanoUSD - result.unallocatedNanoUSD),
                Format.dollars(Int64(result.listTotalNanoUSD) - result.unallocatedNanoUSD), Format.dollars(Int64(result.chargedTotalNanoUSD)),
                Format.grouped(result.unpricedCalls),
            ]
            print("Chargeback, \(period.label): ledger \(Format.dollars(result.ledgerNanoUSD)), pool \(Format.dollars(result.poolNanoUSD)) allocated \(result.rule.rawValue)")
            print(table.fitted().render())
            if result.unallocatedNanoUSD != 0 {
                print("Unallocated (no team to charge): \(Format.dollars(result.unallocatedNanoUSD)).")
            }
            if result.unpricedCalls > 0 {
                print("\(Format.grouped(result.unpricedCalls)) calls have no price: their cost is unknown and not charged.")
            }
        }

        static func render(_ s: ChargebackStatement, as format: StatementFormat) -> String {
            switch format {
            case .markdown:
                var out = [
                    "# Chargeback statement: \(s.team), \(s.period.label)", "",
                    "Tier **\(s.tier)**, shared cost allocated **\(s.rule.rawValue)**. Amounts in USD, exact to the nano-dollar.", "",
                    "| Item | Calls | Amount (USD) |", "|---|---:|---:|",
                ]
                for item in s.items {
                    out.append("| \(item.description.replacingOccurrences(of: "|", with: "\\|")) | \(item.calls > 0 ? Format.grouped(item.calls) : "") | \(Money.format(nanoUSD: item.amountNanoUSD)) |")
                }
                out.append("| **Total charged** | | **\(Money.format(nanoUSD: s.chargedNanoUSD))** |")
                out.append("")
                out.append("List cost (direct + allocation): \(Money.format(nanoUSD: s.listNanoUSD)) USD.")
                if s.unpricedCalls > 0 { out.append("Unpriced calls: \(s.unpricedCalls) (cost unknown, not included).") }
                return out.joined(separator: "\n")
            case .csv:
                var out = [CSV.line(["team", "period", "item", "calls", "amount_usd"])]
                for item in s.items {
                    out.append(CSV.line([s.team, s.period.label, item.description, "\(item.calls)", Money.format(nanoUSD: item.amountNanoUSD)]))
                }
                out.append(CSV.line([s.team, s.period.label, "total charged", "", Money.format(nanoUSD: s.chargedNanoUSD)]))
                return out.joined(separator: "\n")
            case .json:
                let document: [String: Any] = [
                    "team": s.team, "tier": s.tier, "period": ReportJSON.period(s.period), "rule": s.rule.rawValue,
                    "items": s.items.map { ["description": $0.description, "calls": $0.calls, "amount_nano_usd": $0.amountNanoUSD, "amount_usd": Money.format(nanoUSD: $0.amountNanoUSD)] },
                    "list_nano_usd": s.listNanoUSD, "charged_nano_usd": s.chargedNanoUSD, "charged_usd": Money.format(nanoUSD: s.chargedNanoUSD),
                    "unpriced_calls": s.unpricedCalls,
                ]
                let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                return String(decoding: data, as: UTF8.self)
            }
        }
    }
}
