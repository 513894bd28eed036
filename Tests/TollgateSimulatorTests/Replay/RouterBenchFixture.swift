import Foundation
import Testing
import TollgateSimulator
import TollgateTestKit

/// The RouterBench train files in `../shared/data/routing/routerbench_train/`, read once per test run.
enum RouterBenchFixture {
    /// The three files, in the order they are loaded.
    static let files = ["arc_challenge_train.csv", "mbpp_train.csv", "winograde_train.csv"]

    /// The eleven recorded models, as the CSV headers name them.
    static let models = [
        "gpt-4-1106-preview", "gpt-3.5-turbo-1106", "claude-v2", "claude-v1", "claude-instant-v1", "meta/llama-2-70b-chat",
        "mistralai/mixtral-8x7b-chat", "zero-one-ai/Yi-34B-Chat", "meta/code-llama-instruct-34b-chat", "WizardLM/WizardLM-13B-V1.2",
        "mistralai/mistral-7b-chat",
    ]

    /// The path of one file.
    static func path(_ file: String) throws -> String {
        let root = try #require(PricingTestSupport.repositoryRoot(), "repository root not found above \(#filePath)")
        return root.deletingLastPathComponent()
            .appendingPathComponent("shared/data/routing/routerbench_train/\(file)")
            .standardizedFileURL.path
    }

    /// Each file on its own, by name.
    static let each: Result<[String: RecordingSet], any Error> = Result {
        var sets: [String: RecordingSet] = [:]
        for file in files { sets[file] = try RecordingSet.load(paths: [try path(file)]) }
        return sets
    }

    /// All three files in one set.
    static let all: Result<RecordingSet, any Error> = Result {
        try RecordingSet.load(paths: try files.map(path))
    }

    /// One file's set.
    static func set(_ file: String) throws -> RecordingSet {
        try #require(try each.get()[file])
    }
}
