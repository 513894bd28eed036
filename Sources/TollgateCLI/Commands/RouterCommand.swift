import ArgumentParser
import Foundation
import TollgateCore

/// `tollgate router`: train and evaluate the learned model router.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train and evaluate a learned model router from recorded (prompt, model, correct, cost) rows.",
        discussion: "See docs/router.md.",
        subcommands: [Train.self, Evaluate.self])
}

/// The training flags `router train` and `router evaluate --cross-validate` share.
struct RouterTrainingFlags: ParsableArguments {
    @Option(help: "The share of prompts held out (by a hash of the sample ID) to choose the threshold.")
    var holdout: Double = 0.2

    @Option(help: "The held-out accuracy the threshold must reach, absolute (0.88). Excludes --target-relative.")
    var targetAccuracy: Double?

    @Option(help: "The held-out accuracy to reach as a fraction of the best single model's (default 0.98).")
    var targetRelative: Double?

    @Option(help: "Train only these models, comma-separated (default: every model in the data).")
    var models: String?

    @Option(help: ArgumentHelp("Hash buckets are 2^bits.", visibility: .hidden))
    var hashBits: Int = RouterFeatureSettings().bucketBits

    @Option(help: ArgumentHelp("1: words; 2: words and word pairs.", visibility: .hidden))
    var ngrams: Int = RouterFeatureSettings().ngrams

    @Option(help: ArgumentHelp("L2 regularisation strength.", visibility: .hidden))
    var l2: Double = RouterTrainingOptions().l2

    @Option(help: ArgumentHelp("Learn a bucket only when it occurs in at least this many prompts.", visibility: .hidden))
    var minPrompts: Int = RouterTrainingOptions().minPrompts

    @Option(help: ArgumentHelp("Significant digits kept of each weight (9: all).", visibility: .hidden))
    var weightDigits: Int = RouterTrainingOptions().weightDigits

    @Option(help: ArgumentHelp("Most optimiser iterations per model.", visibility: .hidden))
    var maxIterations: Int = RouterTrainingOptions().maxIterations

    @Flag(help: "No progress on standard error.")
    var quiet = false

    func validate() throws {
        if targetAccuracy != nil && targetRelative != nil { throw ValidationError("give one of --target-accuracy and --target-relative") }
        if let value = targetAccuracy, !(value > 0 && value <= 1) { throw ValidationError("--target-accuracy must be in (0, 1]") }
        if let value = targetRelative, !(value > 0 && value <= 1.5) { throw ValidationError("--target-relative must be in (0, 1.5]") }
        guard holdout > 0 && holdout < 1 else { throw ValidationError("--holdout must be between 0 and 1 (exclusive)") }
        if let problem = RouterFeatureSettings(bucketBits: hashBits, ngrams: ngrams).problem { throw ValidationError(problem) }
        guard l2 > 0, l2.isFinite else { throw ValidationError("--l2 must be a positive number") }
        guard (1...9).contains(weightDigits) else { throw ValidationError("--weight-digits must be 1 to 9") }
        guard minPrompts >= 1 else { throw ValidationError("--min-prompts must be at least 1") }
        guard maxIterations > 0 else { throw ValidationError("--max-iterations must be positive") }
    }

    /// The options these flags describe.
    var options: RouterTrainingOptions {
        let target: RouterTarget = targetAccuracy.map { .absolute($0) } ?? .relative(targetRelative ?? RouterTarget.standard.value)
        let list = models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        return RouterTrainingOptions(
            features: RouterFeatureSettings(bucketBits: hashBits, ngrams: ngrams), l2: l2, maxIterations: maxIterations, holdout: holdout,
            target: target, models: list, minPrompts: minPrompts, weightDigits: weightDigits)
    }
}
