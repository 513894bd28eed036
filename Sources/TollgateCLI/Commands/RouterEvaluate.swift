import ArgumentParser
import Foundation
import TollgateCore

extension RouterCommand {
    /// `tollgate router evaluate --data FILE... (--router ROUTER.json | --cross-validate K)`.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the router with every single model, the oracle, always-cheapest and always-most-accurate.",
            discussion: """
                With --router, routes the prompts with a trained router (use prompts it was not trained on). With \
                --cross-validate K, trains K routers on deterministic folds (by a hash of the sample ID) and routes each \
                fold with the router that did not see it: the honest figure on training data. Prompts without an outcome \
                and a cost for every model are skipped. See docs/router.md.
                """)

        @Option(name: .customLong("data"), help: "A data file (.csv or .jsonl); repeat for more.")
        var data: [String] = []

        @Option(help: "A trained router file.")
        var router: String?

        @Option(help: "Cross-validate with K folds instead of using --router.")
        var crossValidate: Int?

        @Option(help: "Thresholds to show, comma-separated.")
        var thresholds: String = RouterEvaluation.defaultThresholds.map { "\($0)" }.joined(separator: ",")

        @Flag(help: "Also measure the CPU time of one route() call (with --router).")
        var bench = false

        @OptionGroup var format: FormatOptions
        @OptionGroup var training: RouterTrainingFlags

        func validate() throws {
            if data.isEmpty { throw ValidationError("give at least one --data FILE") }
            if (router == nil) == (crossValidate == nil) { throw ValidationError("give one of --router FILE and --cross-validate K") }
            if let k = crossValidate, k < 2 { throw ValidationError("--cross-validate needs at least 2 folds") }
            if bench && router == nil { throw ValidationError("--bench measures a trained router: give --router FILE") }
            _ = try parsedThresholds()
        }

        func parsedThresholds() throws -> [Double] {
            try thresholds.split(separator: ",").map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value >= 0, value <= 1 else {
                    throw ValidationError("--thresholds must be numbers from 0 to 1, got '\(part)'")
                }
                return value
            }
        }

        func run() async throws {
            let examples = try RouterData.load(data)
            let thresholds = try parsedThresholds()
            let evaluation: RouterEvaluation
            var benchFigures: RouterBench.Figures?
            if let path = router {
                let loaded = try RouterOutput.loadRouter(path)
                evaluation = RouterEvaluation.evaluate(loaded, examples: examples, thresholds: thresholds)
                if bench { benchFigures = RouterBench.measure(loaded, examples: examples) }
            } else {
                let progress = RouterProgress(quiet: training.quiet || format.json || format.csv)
                do {
                    evaluation = try RouterEvaluation.crossValidate(
                        examples, folds: crossValidate!, options: training.options, thresholds: thresholds, progress: progress.report)
                } catch {
                    progress.finish()
                    throw CommandFailure(error.description)
                }
                progress.finish()
            }
            if format.json {
                try RouterOutput.printJSON(evaluation, bench: benchFigures)
            } else if format.csv {
                RouterOutput.printCSV(evaluation)
            } else {
                print(RouterOutput.text(evaluation, source: router.map { "router \($0)" } ?? "\(crossValidate!)-fold cross-validation"))
                if let benchFigures { print("\n" + benchFigures.text) }
            }
        }
    }
}
