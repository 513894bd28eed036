import ArgumentParser
import Foundation
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

        @Option(help: "Print one team's statement instead of the summary (a shared team, or (unattributed), shows what was redistributed).")
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
                card.fixedShares = Dictionary(
                    share.map { item in
                        let parts = item.split(separator: "=", maxSplits: 1)
                        return (String(parts[0]), String(parts[1]))
                    }, uniquingKeysWith: { $1 })
            }
            if let rule = rule.flatMap(AllocationRule.init(rawValue:)) { card.allocation = rule }
            do { try card.validate() } catch { throw ValidationError(error.message) }
            let database = try location.open()
            let result: TollgateCore.Chargeback
            do {
                result = try await database.chargeback(period: period, rateCard: card)
            } catch let error as ReportError {
                throw CommandFailure(error.message)
            }
            for team in result.absentSharedTeams {
                let known = (result.lines.map(\.team) + result.pool.compactMap(\.team)).sorted().joined(separator: ", ")
                FileHandle.standardError.write(
                    Data(
                        "warning: rate_card.shared_teams names '\(team)', which has no calls in \(period.label) (teams with calls: \(known.isEmpty ? "none" : known))\n"
                            .utf8))
            }
            if let team = statement {
                do {
                    return print(Self.render(try await database.chargebackStatement(for: team, result: result, period: period), as: statementFormat))
                } catch let error as ReportError {
                    throw CommandFailure(error.message)
                }
            }
            let output = ChargebackOutput(result: result, period: period)
            if format.json { return try ReportJSON.print(output.json()) }
            if format.csv { return print(output.csv()) }
            print(output.text())
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
                    out.append(
                        "| \(item.description.replacingOccurrences(of: "|", with: "\\|")) | \(item.calls > 0 ? Format.grouped(item.calls) : "") | \(Money.format(nanoUSD: item.amountNanoUSD)) |"
                    )
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
                    "items": s.items.map {
                        [
                            "description": $0.description, "calls": $0.calls, "amount_nano_usd": $0.amountNanoUSD,
                            "amount_usd": Money.format(nanoUSD: $0.amountNanoUSD),
                        ]
                    },
                    "list_nano_usd": s.listNanoUSD, "charged_nano_usd": s.chargedNanoUSD, "charged_usd": Money.format(nanoUSD: s.chargedNanoUSD),
                    "unpriced_calls": s.unpricedCalls,
                ]
                let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
                return String(decoding: data, as: UTF8.self)
            }
        }
    }
}
