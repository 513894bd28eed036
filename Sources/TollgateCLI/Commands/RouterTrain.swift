import ArgumentParser
import Foundation
import TollgateCore

extension RouterCommand {
    /// `tollgate router train --data FILE... --out ROUTER.json`.
    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a router: a logistic regression per model, and a threshold chosen on held-out prompts.",
            discussion: """
                Reads RouterBench CSV files (.csv) and JSON Lines files (.jsonl, one {"prompt", "model", "correct", "cost_usd", \
                "id"} object per line). Fits every model on the prompts not held out, chooses the cheapest threshold whose \
                held-out accuracy meets the target (the most accurate one when none does), then refits every model on all \
                prompts. See docs/router.md.
                """)

        @Option(name: .customLong("data"), help: "A training file (.csv or .jsonl); repeat for more.")
        var data: [String] = []

        @Option(help: "Where to write the router (JSON).")
        var out: String

        @OptionGroup var training: RouterTrainingFlags

        func validate() throws {
            if data.isEmpty { throw ValidationError("give at least one --data FILE") }
        }

        func run() async throws {
            let examples = try RouterData.load(data)
            let progress = RouterProgress(quiet: training.quiet)
            let router: LearnedRouter
            do {
                router = try RouterTrainer.train(examples, options: training.options, progress: progress.report)
            } catch {
                progress.finish()
                throw CommandFailure(error.description)
            }
            progress.finish()
            let bytes = router.jsonBytes()
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out))
            } catch {
                throw CommandFailure("\(out): cannot be written (\(error.localizedDescription))")
            }
            print(Self.summary(router, file: out, bytes: bytes.count))
        }

        /// What was trained and how its threshold did on the held-out prompts.
        static func summary(_ router: LearnedRouter, file: String, bytes: Int) -> String {
            var table = TextTable(columns: [("model", .left), ("rows", .right), ("accuracy", .right), ("mean cost", .right)])
            for model in router.models {
                table.rows.append([
                    model.name, Format.grouped(Int64(model.rows)), Format.percent(model.accuracy), RouterOutput.usd(model.meanCostUSD),
                ])
            }
            var lines = [table.render(), ""]
            if let summary = router.training {
                lines.append(
                    "Trained on \(Format.grouped(Int64(summary.rows))) prompts; threshold chosen on \(Format.grouped(Int64(summary.heldOutRows))) "
                        + "held-out ones (\(Format.percent(summary.holdout)) by sample ID), then every model refitted on all prompts.")
                lines.append("")
                lines.append(heldOutTable(router, summary).render())
                lines.append("")
                lines.append(targetLine(router, summary))
            }
            let weights = router.models.reduce(0) { $0 + $1.weights.indices.count }
            lines.append(
                "Wrote \(file): \(Format.grouped(Int64(bytes))) bytes, \(Format.grouped(Int64(weights))) weights, 2^\(router.features.bucketBits) buckets, "
                    + "\(router.fingerprint).")
            return lines.joined(separator: "\n")
        }

        /// Whether the target was met, and at which threshold.
        static func targetLine(_ router: LearnedRouter, _ summary: RouterTrainingSummary) -> String {
            let goal =
                summary.target.kind == "absolute"
                ? "accuracy \(Format.percent(summary.target.value))"
                : "\(Format.percent(summary.target.value)) of \(summary.bestModel)'s held-out accuracy = \(Format.percent(summary.requiredAccuracy))"
            let threshold = RouterEvaluation.label(router.threshold)
            return summary.targetMet
                ? "Target \(goal): met at threshold \(threshold)."
                : "Target \(goal): NOT met by any threshold; chose the most accurate one, \(threshold)."
        }

        static func heldOutTable(_ router: LearnedRouter, _ summary: RouterTrainingSummary) -> TextTable {
            var table = TextTable(columns: [("held out", .left), ("accuracy", .right), ("cost/call", .right), ("cost vs best", .right)])
            let best = summary.bestModelScore.meanCostUSD
            func share(_ cost: Double) -> String { best > 0 ? Format.percent(cost / best) : "-" }
            let rows: [(String, RouterScore)] = [
                ("router @ \(RouterEvaluation.label(router.threshold))", summary.heldOut),
                ("best single: \(summary.bestModel)", summary.bestModelScore),
                ("oracle", summary.oracle),
            ]
            for (name, score) in rows {
                table.rows.append([name, Format.percent(score.accuracy), RouterOutput.usd(score.meanCostUSD), share(score.meanCostUSD)])
            }
            return table
        }
    }
}
