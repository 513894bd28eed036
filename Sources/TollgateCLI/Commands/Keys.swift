import ArgumentParser
import Foundation
import NIOHTTP1
import TollgateCore

/// `tollgate keys ...`: virtual keys through a running gateway's admin API.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list, rotate, expire and revoke virtual keys.",
        subcommands: [List.self, Create.self, Rotate.self, Revoke.self, Update.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (secrets are never shown).")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let object = try await admin.call(.GET, "/keys")
            guard !admin.json else { return }
            let keys = object["data"] as? [[String: Any]] ?? []
            var table = TextTable(columns: [("NAME", .left), ("STATUS", .left), ("TEAM", .left), ("APP", .left), ("WORKFLOW", .left), ("EXPIRES", .left)])
            for key in keys {
                table.rows.append([
                    key["name"] as? String ?? "", (key["status"] as? String ?? "") + (key["source"] as? String == "config" ? " (file)" : ""),
                    key["team"] as? String ?? "-", key["app"] as? String ?? "-", key["workflow"] as? String ?? "-",
                    (key["expires_at"] as? String).map { String($0.prefix(10)) } ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once.")
        @OptionGroup var admin: AdminOptions
        @Argument(help: "Unique key name.") var name: String
        @Option var org: String?
        @Option var team: String?
        @Option var app: String?
        @Option var environment: String?
        @Option var costCenter: String?
        @Option(help: "Default workflow.") var workflow: String?
        @Option(help: "Models the key may call (repeat or comma-separate); all when omitted.") var allowModel: [String] = []
        @Flag(help: "Forbid callers to override the workflow with x-tollgate-workflow.") var lockWorkflow = false
        @Option(help: "Expiry: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.") var expires: String?

        func run() async throws {
            var body: [String: Any] = ["name": name, "allow_override": !lockWorkflow]
            for (field, value) in [
                ("org", org), ("team", team), ("app", app), ("environment", environment), ("cost_center", costCenter), ("workflow", workflow),
                ("expires_at", expires),
            ] {
                if let value { body[field] = value }
            }
            let models = allowModel.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            if !models.isEmpty { body["allowed_models"] = models }
            let object = try await admin.call(.POST, "/keys", body: body)
            guard !admin.json, let secret = object["secret"] as? String else { return }
            print("Created key '\(name)'. Its secret is shown this once; store it now:\n\n  \(secret)\n")
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a key's secret; the old one stops working at once.")
        @OptionGroup var admin: AdminOptions
        @Argument var name: String

        func run() async throws {
            let object = try await admin.call(.POST, "/keys/\(name)/rotate")
            guard !admin.json, let secret = object["secret"] as? String else { return }
            print("Rotated '\(name)'. New secret (shown once):\n\n  \(secret)\n")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key for good.")
        @OptionGroup var admin: AdminOptions
        @Argument var name: String

        func run() async throws {
            _ = try await admin.call(.POST, "/keys/\(name)/revoke")
            if !admin.json { print("Revoked '\(name)'.") }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a key's expiry, models, workflow, environment or cost centre.")
        @OptionGroup var admin: AdminOptions
        @Argument var name: String
        @Option(help: "New expiry (YYYY-MM-DD), or 'never'.") var expires: String?
        @Option(help: "Models the key may call (comma-separated), or 'all'.") var allowModels: String?
        @Option var workflow: String?
        @Option var environment: String?
        @Option var costCenter: String?

        func run() async throws {
            var body: [String: Any] = [:]
            if let expires { body["expires_at"] = expires == "never" ? NSNull() : expires }
            if let allowModels {
                body["allowed_models"] = allowModels == "all" ? NSNull() : allowModels.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            }
            if let workflow { body["workflow"] = workflow }
            if let environment { body["environment"] = environment }
            if let costCenter { body["cost_center"] = costCenter }
            guard !body.isEmpty else { throw ValidationError("Nothing to change: give --expires, --allow-models, --workflow, --environment or --cost-center.") }
            _ = try await admin.call(.PATCH, "/keys/\(name)", body: body)
            if !admin.json { print("Updated '\(name)'.") }
        }
    }
}

/// `tollgate kill-switch ...`: switch a workflow, provider or model off and on.
struct KillSwitchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill-switch", abstract: "Stop every call to a workflow, provider or model at once (503), and resume.",
        subcommands: [List.self, SetSwitch.self, Clear.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kill switches in force.")
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let object = try await admin.call(.GET, "/kill-switches")
            guard !admin.json else { return }
            var table = TextTable(columns: [("TARGET", .left), ("BY", .left), ("REASON", .left), ("SOURCE", .left)])
            for kill in object["data"] as? [[String: Any]] ?? [] {
                table.rows.append([
                    "\(kill["kind"] as? String ?? "") \(kill["name"] as? String ?? "")", kill["by"] as? String ?? "", kill["reason"] as? String ?? "",
                    kill["source"] as? String ?? "",
                ])
            }
            print(table.rows.isEmpty ? "No kill switch is set." : table.render())
        }
    }

    struct SetSwitch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Switch something off, e.g. `kill-switch set workflow triage --reason \"loop\"`.")
        @OptionGroup var admin: AdminOptions
        @Argument(help: "workflow, provider or model.") var kind: String
        @Argument var name: String
        @Option(help: "Why (shown to callers).") var reason: String

        func run() async throws {
            guard ["workflow", "provider", "model"].contains(kind) else { throw ValidationError("The kind is workflow, provider or model.") }
            _ = try await admin.call(.PUT, "/kill-switches", body: [kind: name, "reason": reason])
            if !admin.json { print("Switched off \(kind) '\(name)'.") }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Switch something back on.")
        @OptionGroup var admin: AdminOptions
        @Argument(help: "workflow, provider or model.") var kind: String
        @Argument var name: String

        func run() async throws {
            _ = try await admin.call(.DELETE, "/kill-switches/\(kind)/\(name)")
            if !admin.json { print("Switched \(kind) '\(name)' back on.") }
        }
    }
}

/// `tollgate budgets`: every budget counter in its current period, and recent alerts.
struct BudgetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "budgets", abstract: "Budget status and threshold alerts from a running gateway.")
    @OptionGroup var admin: AdminOptions
    @Flag(help: "Show threshold alerts instead of status.") var events = false

    func run() async throws {
        if events {
            let object = try await admin.call(.GET, "/budgets/events")
            guard !admin.json else { return }
            var table = TextTable(columns: [("AT", .left), ("BUDGET", .left), ("SCOPE", .left), ("PERIOD", .left), ("%", .right), ("SPENT $", .right)])
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
            ("BUDGET", .left), ("SCOPE", .left), ("PERIOD", .left), ("SPENT $", .right), ("LIMIT $", .right), ("USED", .right), ("MODE", .left),
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

    /// Exact decimal USD shown to the hundredth of a cent (4 decimals, half-even), or exactly when that
    /// would round a non-zero amount to zero; `--json` keeps every digit.
    static func dollars(_ text: String?) -> String {
        guard let text, let nano = Money.parseUSD(text) else { return text ?? "" }
        let unit: Int64 = 100_000  // nano-USD in $0.0001
        var (q, r) = nano.quotientAndRemainder(dividingBy: unit)
        if abs(r) * 2 > unit || (abs(r) * 2 == unit && q % 2 != 0) { q += nano < 0 ? -1 : 1 }
        if q == 0 && nano != 0 { return text }  // a tiny amount is shown exactly rather than as 0.0000
        let sign = q < 0 ? "-" : ""
        let whole = abs(q) / 10_000
        let fraction = String(abs(q) % 10_000)
        return sign + Format.grouped(whole) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
