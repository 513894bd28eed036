import Foundation
import TollgateCore
import TollgateSimulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads router training rows: RouterBench CSV files (`.csv`) and JSON Lines files (`.jsonl`).
enum RouterData {
    /// The examples of every file, in order; rows with the same sample ID (in any file) are merged into the first.
    /// - Throws: ``CommandFailure`` naming the file (and row or line) for a file that cannot be read or parsed.
    static func load(_ paths: [String]) throws -> [RouterExample] {
        var examples: [RouterExample] = []
        for path in paths {
            if path.lowercased().hasSuffix(".jsonl") {
                guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot be read") }
                do {
                    examples += try RouterExample.examples(jsonl: Array(data), source: path)
                } catch {
                    throw CommandFailure(error.description)
                }
            } else if path.lowercased().hasSuffix(".csv") {
                examples += try routerBench(path)
            } else {
                throw CommandFailure("\(path): expected a RouterBench .csv file or a .jsonl file")
            }
        }
        let merged = RouterExample.merged(examples)
        guard !merged.isEmpty else { throw CommandFailure("\(paths.joined(separator: ", ")): no rows") }
        return merged
    }

    /// The prompts of one RouterBench CSV file; answers without a label or a cost are left out.
    static func routerBench(_ path: String) throws -> [RouterExample] {
        let set: RecordingSet
        do {
            set = try RecordingSet.load(paths: [path])
        } catch {
            throw CommandFailure(error.description)
        }
        return set.prompts.map { prompt in
            var outcomes: [String: RouterExample.Outcome] = [:]
            for (model, answer) in prompt.answers {
                guard let correct = answer.correct, let cost = answer.costUSD else { continue }
                outcomes[model] = RouterExample.Outcome(correct: correct, costUSD: cost)
            }
            return RouterExample(sampleID: prompt.sampleID, text: prompt.text, task: prompt.evalName, outcomes: outcomes)
        }
    }
}

/// Training progress on standard error: one line per model, rewritten in place on a terminal.
struct RouterProgress {
    let terminal = isatty(STDERR_FILENO) == 1
    let quiet: Bool

    func report(_ step: RouterTrainingProgress) {
        guard !quiet else { return }
        let line = "\(step.stage): model \(step.index)/\(step.count) \(step.model)"
        write(terminal ? "\r\u{1B}[K" + line : line + "\n")
    }

    /// Ends an in-place line.
    func finish() {
        if terminal && !quiet { write("\r\u{1B}[K") }
    }

    func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
