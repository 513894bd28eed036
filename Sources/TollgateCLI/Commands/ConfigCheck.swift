import ArgumentParser
import Foundation
import TollgateCore
import TollgateServer

/// `tollgate config check FILE`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with configuration files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file; exits 1 with every problem found, each with its line and key path.")

        @Argument(help: "Path of the YAML configuration.")
        var file: String

        func run() async throws {
            let checked: ConfigurationLoader.Checked
            do {
                checked = try ConfigurationLoader.check(path: file)
            } catch let error as ConfigurationLoader.LoadError {
                for problem in error.problems { printError(problem) }
                printError("\(file): \(error.problems.count) \(error.problems.count == 1 ? "problem" : "problems")")
                throw ExitCode(1)
            }
            for warning in checked.warnings { printError(warning) }
            let runtime = checked.runtime
            print("\(file): ok (\(runtime.providers.count) providers, \(runtime.modelNames.count) models, \(runtime.configuration.keys.count) keys)")
        }

        private func printError(_ line: String) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
