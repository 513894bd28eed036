import Foundation
import TollgateCore
import TollgateServer
import Yams

/// Reads a YAML configuration file: `${ENV}` interpolation, decoding, validation. Every problem of the
/// file is found in one pass and reported as `file:line: key.path: message`.
enum ConfigurationLoader {
    /// Every problem of a configuration, one printed line each.
    struct LoadError: Error, CustomStringConvertible {
        /// `file:line: key.path: message`, in the order of the file.
        var problems: [String]

        var description: String { problems.joined(separator: "\n") }
    }

    /// What `${NAME}` becomes when `NAME` is unset and the reference has no default.
    enum UnsetVariables {
        /// A problem naming the line (serving, `config check`).
        case problem
        /// A placeholder, so a file can be linted without its secrets (`policy check`).
        case placeholder
    }

    /// A configuration that can be served, and what is valid but suspicious in it.
    struct Checked {
        var runtime: GatewayRuntime
        /// `file:line: key.path: warning: message`.
        var warnings: [String]
    }

    /// Loads and validates a configuration file.
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayRuntime {
        try check(path: path, environment: environment).runtime
    }

    /// Loads and validates configuration text.
    static func load(text: String, origin: String, environment: [String: String]) throws -> GatewayRuntime {
        try check(text: text, origin: origin, environment: environment).runtime
    }

    /// Loads, validates and lints a configuration file.
    static func check(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment, unset: UnsetVariables = .problem
    ) throws -> Checked {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(problems: ["\(path): cannot read the file"]) }
        return try check(text: String(decoding: data, as: UTF8.self), origin: path, environment: environment, unset: unset)
    }

    /// Loads, validates and lints configuration text; `origin` names it in messages.
    static func check(text: String, origin: String, environment: [String: String], unset: UnsetVariables = .problem) throws -> Checked {
        let interpolation = Interpolation(text, environment: environment)
        let node: Node
        do {
            guard let composed = try compose(yaml: interpolation.text) else { throw LoadError(problems: ["\(origin): the file is empty"]) }
            node = composed
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(problems: ["\(origin)\(syntaxLocation(error)): not valid YAML: \(syntaxProblem(error))"])
        }
        let lines = YAMLLines(node)
        let collector = ConfigurationIssueCollector()
        var configuration: GatewayConfiguration?
        do {
            configuration = try YAMLDecoder().decode(
                GatewayConfiguration.self, from: node, userInfo: [ConfigurationIssueCollector.userInfoKey: collector])
        } catch {
            collector.record(error)
        }
        var report = IssueReport(origin: origin, lines: lines)
        if unset == .problem {
            for missing in interpolation.missing { report.add(variable: missing.name, line: missing.line, column: missing.column) }
        }
        report.add(collector.issues)
        guard let configuration else { throw LoadError(problems: report.printed()) }
        var runtimeEnvironment = environment
        if unset == .placeholder {
            for name in configuration.providers.compactMap(\.apiKeyEnv) where environment[name]?.isEmpty ?? true {
                runtimeEnvironment[name] = Interpolation.placeholder(name)
            }
        }
        var runtime: GatewayRuntime?
        do {
            runtime = try GatewayRuntime(configuration: configuration, environment: runtimeEnvironment)
        } catch let error as ConfigurationError {
            report.add(consequent: error.issues)
        } catch {
            report.add(consequent: [.init(path: "", message: "\(error)")])
        }
        report.add(consequent: configuration.referenceIssues)
        guard let runtime, report.isEmpty else { throw LoadError(problems: report.printed()) }
        var warnings = IssueReport(origin: origin, lines: lines)
        warnings.add(configuration.teamWarnings)
        return Checked(runtime: runtime, warnings: warnings.printed(prefix: "warning: "))
    }

    /// `:line:column` of a YAML syntax error, when Yams gives it.
    static func syntaxLocation(_ error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(_, _, let mark, _)?, .parser(_, _, let mark, _)?, .composer(_, _, let mark, _)?: ":\(mark.line):\(mark.column)"
        default: ""
        }
    }

    /// What is wrong with the YAML, without Yams' snippet of the file.
    static func syntaxProblem(_ error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(let context, let problem, _, _)?, .parser(let context, let problem, _, _)?, .composer(let context, let problem, _, _)?:
            (context.map { "\($0.text) " } ?? "") + problem
        default: "\(error)"
        }
    }
}
