import TollgateCore
import Logging
import ArgumentParser
import TollgateServer

/// `tollgate config check FILE`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with configuration files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a configuration file; exits non-zero with every problem found.")

        @Argument(help: "Path of the YAML configuration.")
        var file: String

        func run() async throws {
            let runtime = try loadRuntime(file)
            print("\(file): ok (\(runtime.providers.count) providers, \(runtime.modelNames.count) models, \(runtime.configuration.keys.count) keys)")
        }
    }
}
