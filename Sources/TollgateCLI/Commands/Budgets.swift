import ArgumentParser
import Foundation
import NIOHTTP1
import TollgateCore

/// `tollgate budgets`: every budget counter in its current period, and recent alerts.
struct BudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "budgets", abstract: "Budget status and threshold alerts from a running gateway.")
    @OptionGroup var admin: AdminOptions
    @Flag(help: "Show threshold alerts instead of status.") var events = false

    func run() async throws {
        if events {
            let object = try await admin.call(.GET, "/budgets/events")
            guard !admin.json else { return }
            var table = TextTable(columns: [
                ("AT", .left), ("BUDGET", .left), ("SCOPE", .left), ("PERIOD", .left), ("%", .right), ("SPENT $", .right),
            ])
            for row in object["data"] as? [[String: Any]] ?? [] {
                table.rows.append([
                    String((row["at"] as? String ?? "").prefix(16)), row["budget"] as? String ?? "", row["scope"] as? String ?? "",
                    row["period"] as? String ?? "", "\(row["threshold_percent"] as? Int ?? 0)", row["spent_usd"] as? String ?? "",
                ])
            }
            print(table.rows.isEmpty ? "No alerts yet." : table.render())
            return
        }
        let object = try await admin.call(.GET, "/budgets")
        guard !admin.json else { return }
        var table = TextTable(columns: [
            ("BUDGET", .left), ("SCOPE", .left), ("PERIOD", .left), ("SPENT", .right), ("LIMIT", .right), ("USED", .right), ("MODE", .left),
        ])
        for row in object["data"] as? [[String: Any]] ?? [] {
            let used = (row["utilisation"] as? Double).map { String(format: "%.1f%%", $0 * 100) } ?? "-"
            table.rows.append([
                row["budget"] as? String ?? "", (row["scope"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "-", row["period"] as? String ?? "",
                Self.dollars(row["spent_usd"] as? String), Self.dollars(row["limit_usd"] as? String), used, row["mode"] as? String ?? "",
            ])
        }
        print(table.rows.isEmpty ? "No budgets are configured." : table.render())
    }

    /// ``Format/dollars(_:)`` (to the hundredth of a cent), or the exact amount when that would show a
    /// non-zero amount as zero; `--json` keeps every digit.
    static func dollars(_ text: String?) -> String {
        guard let text, let nano = Money.parseUSD(text) else { return text ?? "" }
        let shown = Format.dollars(nano)
        return nano != 0 && shown == "$0.0000" ? "$" + text : shown
    }
}
