import ArgumentParser
import Foundation
import NIOHTTP1
import TollgateCore

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

        func validate() throws {
            guard ["workflow", "provider", "model"].contains(kind) else { throw ValidationError("The kind is workflow, provider or model.") }
        }

        func run() async throws {
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
