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
            var table = TextTable(columns: [
                ("NAME", .left), ("STATUS", .left), ("TEAM", .left), ("APP", .left), ("WORKFLOW", .left), ("EXPIRES", .left),
            ])
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

        func validate() throws {
            guard expires != nil || allowModels != nil || workflow != nil || environment != nil || costCenter != nil else {
                throw ValidationError("Nothing to change: give --expires, --allow-models, --workflow, --environment or --cost-center.")
            }
        }

        func run() async throws {
            var body: [String: Any] = [:]
            if let expires { body["expires_at"] = expires == "never" ? NSNull() : expires }
            if let allowModels {
                body["allowed_models"] =
                    allowModels == "all" ? NSNull() : allowModels.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            }
            if let workflow { body["workflow"] = workflow }
            if let environment { body["environment"] = environment }
            if let costCenter { body["cost_center"] = costCenter }
            _ = try await admin.call(.PATCH, "/keys/\(name)", body: body)
            if !admin.json { print("Updated '\(name)'.") }
        }
    }
}
