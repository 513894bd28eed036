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
                Every problem is printed with its line and key path; the rules are those of `config check` and `serve`. \
                Environment variables the file references are not needed: an unset one without a default (`${NAME}`, \
                `api_key_env`) is filled with a placeholder, so the check runs in CI without secrets; `${NAME:-default}` \
                takes its default.
                """)

        @Argument(help: "Path of the YAML configuration.")
        var file: String

        @Flag(help: "Treat warnings as problems.")
        var strict = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            let checked: ConfigurationLoader.Checked
            do {
                checked = try ConfigurationLoader.check(path: file, unset: .placeholder)
            } catch let error as ConfigurationLoader.LoadError {
                report(problems: error.problems, warnings: [], summary: nil)
                throw ExitCode(1)
            }
            let configuration = checked.runtime.configuration
            let warnings = checked.warnings + Self.warnings(configuration).map { "\(file): warning: \($0)" }
            let g = configuration.governance
            let summary =
                "\(g.budgets.count) budgets, \(g.rateLimits.count) rate limits, \(g.agentLimits.count) agent limits, \(g.policies.count) policies, \(g.killSwitches.count) kill switches, \(g.workflows.count) registered workflows"
            let failed = strict && !warnings.isEmpty
            report(problems: failed ? warnings : [], warnings: failed ? [] : warnings, summary: summary)
            if failed { throw ExitCode(1) }
        }

        /// Prints the outcome: the problems (with --strict, the warnings are the problems), or the warnings and `ok`.
        func report(problems: [String], warnings: [String], summary: String?) {
            if json {
                let object: [String: Any] = [
                    "file": file, "ok": problems.isEmpty, "strict": strict, "problems": problems, "warnings": warnings,
                    "summary": summary ?? NSNull(),
                ]
                if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) {
                    print(String(decoding: data, as: UTF8.self))
                }
                return
            }
            for problem in problems { print(problem) }
            for warning in warnings { print(warning) }
            if problems.isEmpty {
                if let summary { print("\(file): ok (\(summary))") }
            } else {
                let what = strict && summary != nil ? "warnings, which --strict makes errors" : "problems"
                print("\(file): failed: \(problems.count) \(what)")
            }
        }

        /// Things that are valid but probably not what the author meant.
        static func warnings(_ configuration: GatewayConfiguration) -> [String] {
            let g = configuration.governance
            var warnings: [String] = []
            let registered = Set(g.workflows.map(\.name))
            for (i, policy) in g.policies.enumerated() where policy.requireRegisteredWorkflow == true && registered.isEmpty {
                warnings.append(
                    "governance.policies[\(i)] (\(policy.name)) requires registered workflows, but none are registered: it refuses every call it matches"
                )
            }
            if g.policies.contains(where: { $0.requireRegisteredWorkflow == true }) {
                for (i, key) in configuration.keys.enumerated() {
                    if let workflow = key.workflow, !registered.contains(workflow) {
                        warnings.append("keys[\(i)] (\(key.name)) defaults to workflow '\(workflow)', which is not registered")
                    }
                }
            }
            for (i, kill) in g.killSwitches.enumerated()
            where kill.target.kind == .workflow && !registered.isEmpty && !registered.contains(kill.target.name) {
                warnings.append("governance.kill_switches[\(i)] names workflow '\(kill.target.name)', which is not registered")
            }
            for (i, budget) in g.budgets.enumerated() {
                if budget.thresholds.isEmpty { warnings.append("governance.budgets[\(i)] (\(budget.name)) has no alert thresholds") }
                if budget.mode == .estimate && budget.action == .block {
                    warnings.append(
                        "governance.budgets[\(i)] (\(budget.name)) is in estimate mode: non-streaming calls may overshoot it (see docs/governance.md)"
                    )
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
