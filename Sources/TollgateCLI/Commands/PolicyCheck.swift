import ArgumentParser
import Foundation
import TollgateCore
import TollgateServer

/// `tollgate policy check FILE`: lints a configuration's governance for a CI pipeline.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Work with governance policy (budgets, limits, policies, registry).", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint a configuration file; exits 1 on any problem (with --strict, on any warning too).",
            discussion: """
                Every problem is printed with its key path. Environment variables the file references are not needed: \
                missing ones are filled with placeholders, so the check runs in CI without secrets.
                """)

        @Argument(help: "Path of the YAML configuration.")
        var file: String

        @Flag(help: "Treat warnings as problems.")
        var strict = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("\(file): cannot read the file") }
            let text = String(decoding: data, as: UTF8.self)
            var environment = ProcessInfo.processInfo.environment
            for name in Self.referencedVariables(text) where environment[name] == nil { environment[name] = "policy-check-placeholder-\(name)" }
            let runtime: GatewayRuntime
            do {
                runtime = try ConfigurationLoader.load(text: text, origin: file, environment: environment)
            } catch let error as ConfigurationLoader.LoadError {
                report(problems: error.description.split(separator: "\n").map(String.init), warnings: [], summary: nil)
                throw ExitCode(1)
            }
            let warnings = Self.warnings(runtime.configuration)
            let g = runtime.configuration.governance
            let summary =
                "\(g.budgets.count) budgets, \(g.rateLimits.count) rate limits, \(g.agentLimits.count) agent limits, \(g.policies.count) policies, \(g.killSwitches.count) kill switches, \(g.workflows.count) registered workflows"
            report(problems: [], warnings: warnings, summary: summary)
            if strict && !warnings.isEmpty { throw ExitCode(1) }
        }

        func report(problems: [String], warnings: [String], summary: String?) {
            if json {
                let object: [String: Any] = ["file": file, "ok": problems.isEmpty, "problems": problems, "warnings": warnings, "summary": summary ?? NSNull()]
                if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
                    print(String(decoding: data, as: UTF8.self))
                }
                return
            }
            for problem in problems { print(problem) }
            for warning in warnings { print("\(file): warning: \(warning)") }
            if let summary, problems.isEmpty { print("\(file): ok (\(summary))") }
        }

        /// `${NAME}` references and `api_key_env` names in the text.
        static func referencedVariables(_ text: String) -> Set<String> {
            var names: Set<String> = []
            for match in text.matches(of: /\$\{([A-Za-z_][A-Za-z0-9_]*)/) { names.insert(String(match.1)) }
            for match in text.matches(of: /api_key_env:\s*"?([A-Za-z_][A-Za-z0-9_]*)/) { names.insert(String(match.1)) }
            return names
        }

        /// Things that are valid but probably not what the author meant.
        static func warnings(_ configuration: GatewayConfiguration) -> [String] {
            let g = configuration.governance
            var warnings: [String] = []
            let registered = Set(g.workflows.map(\.name))
            for (i, policy) in g.policies.enumerated() where policy.requireRegisteredWorkflow == true && registered.isEmpty {
                warnings.append("governance.policies[\(i)] (\(policy.name)) requires registered workflows, but none are registered: it refuses every call it matches")
            }
            if g.policies.contains(where: { $0.requireRegisteredWorkflow == true }) {
                for (i, key) in configuration.keys.enumerated() {
                    if let workflow = key.workflow, !registered.contains(workflow) {
                        warnings.append("keys[\(i)] (\(key.name)) defaults to workflow '\(workflow)', which is not registered")
                    }
                }
            }
            for (i, kill) in g.killSwitches.enumerated() where kill.target.kind == .workflow && !registered.isEmpty && !registered.contains(kill.target.name) {
                warnings.append("governance.kill_switches[\(i)] names workflow '\(kill.target.name)', which is not registered")
            }
            for (i, budget) in g.budgets.enumerated() {
                if budget.thresholds.isEmpty { warnings.append("governance.budgets[\(i)] (\(budget.name)) has no alert thresholds") }
                if budget.mode == .estimate && budget.action == .block {
                    warnings.append(
                        "governance.budgets[\(i)] (\(budget.name)) is in estimate mode: non-streaming calls may overshoot it (see docs/governance.md)")
                }
            }
            for (i, policy) in g.policies.enumerated() where policy.match.conditions.isEmpty && policy.allowModels?.isEmpty == true {
                warnings.append("governance.policies[\(i)] (\(policy.name)) allows no model at all")
            }
            if g.budgets.isEmpty && !g.workflows.contains(where: { $0.budgetUSD != nil }) {
                warnings.append("no budgets: spend is recorded but never limited")
            }
            return warnings
        }
    }
}
