import Foundation
import TollgateCore

/// How `tollgate router` shows its figures: terminal tables, JSON and CSV.
enum RouterOutput {
    /// USD as report money (`$0.00502`, three significant digits below $1).
    static func usd(_ value: Double) -> String {
        ReportText.dollars(Int64((value * 1e9).rounded()))
    }

    /// Reads a router file, as a ``CommandFailure`` naming the file when it cannot be used.
    static func loadRouter(_ path: String) throws -> LearnedRouter {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot be read") }
        do {
            return try LearnedRouter(json: Array(data))
        } catch {
            throw CommandFailure("\(path): \(error.description)")
        }
    }

    /// The strategies table and the routing shares table.
    static func text(_ evaluation: RouterEvaluation, source: String) -> String {
        let reference = evaluation.reference.map { $0.name.replacingOccurrences(of: "always most accurate ", with: "") } ?? "-"
        var table = TextTable(columns: [
            ("strategy", .left), ("accuracy", .right), ("cost/call", .right), ("total cost", .right), ("cost vs most accurate", .right),
        ])
        for row in evaluation.rows {
            table.rows.append([
                row.name, Format.percent(row.score.accuracy), usd(row.score.meanCostUSD), usd(evaluation.totalCostUSD(row)),
                Format.percent(evaluation.costShare(row)),
            ])
        }
        var lines = [
            "\(Format.grouped(Int64(evaluation.prompts))) prompts scored (\(evaluation.skipped) skipped: a model had no outcome), \(source); "
                + "cost compared with the most accurate single model \(reference).",
            "", table.render(),
        ]
        let routers = evaluation.rows.filter { $0.kind == .router }
        if !routers.isEmpty {
            var shares = TextTable(columns: [("calls routed to", .left)] + routers.map { (shortName($0.name), .right) })
            for (m, model) in evaluation.models.enumerated() {
                shares.rows.append([model] + routers.map { Format.percent($0.shares[m]) })
            }
            shares.optional = Set(routers.dropFirst().map { shortName($0.name) })
            lines += ["", shares.render()]
        }
        return lines.joined(separator: "\n")
    }

    /// `router @ 0.80` → `@0.80`; the chosen row → `chosen`.
    static func shortName(_ name: String) -> String {
        if name.hasPrefix("router @ chosen") { return "chosen" }
        if name.hasSuffix("(file)") { return "file " + name.dropFirst("router @ ".count).prefix(4) }
        return name.replacingOccurrences(of: "router @ ", with: "@")
    }

    static func printJSON(_ evaluation: RouterEvaluation, bench: RouterBench.Figures?) throws {
        var document: [String: Any] = [
            "prompts": evaluation.prompts, "skipped": evaluation.skipped, "folds": evaluation.folds ?? NSNull(), "models": evaluation.models,
            "chosen_thresholds": evaluation.chosenThresholds, "rows": evaluation.rows.map { json($0, evaluation) },
        ]
        if let bench { document["bench"] = bench.json }
        try ReportJSON.print(document)
    }

    static func json(_ row: RouterEvaluation.Row, _ evaluation: RouterEvaluation) -> [String: Any] {
        [
            "name": row.name, "kind": row.kind.rawValue, "threshold": row.threshold ?? NSNull(), "accuracy": row.score.accuracy,
            "mean_cost_usd": row.score.meanCostUSD, "total_cost_usd": evaluation.totalCostUSD(row),
            "cost_share": evaluation.costShare(row) ?? NSNull(),
            "shares": Dictionary(uniqueKeysWithValues: zip(evaluation.models, row.shares)),
        ]
    }

    static func printCSV(_ evaluation: RouterEvaluation) {
        print(
            CSV.line(
                ["strategy", "kind", "threshold", "accuracy", "mean_cost_usd", "total_cost_usd", "cost_share"]
                    + evaluation.models.map { "share:" + $0 }))
        for row in evaluation.rows {
            let figures = [row.score.accuracy, row.score.meanCostUSD, evaluation.totalCostUSD(row)].map { "\($0)" }
            print(
                CSV.line(
                    [row.name, row.kind.rawValue, row.threshold.map { "\($0)" } ?? ""] + figures + [evaluation.costShare(row).map { "\($0)" } ?? ""]
                        + row.shares.map { "\($0)" }))
        }
    }
}

/// `router evaluate --bench`: the CPU time of ``LearnedRouter/route(text:)``.
enum RouterBench {
    struct Figures {
        var calls: Int
        var meanBytes: Double
        var microsecondsPerCall: Double
        var twoKBCalls: Int
        var microsecondsPerTwoKBCall: Double
        var models: Int

        var text: String {
            "route() CPU: \(String(format: "%.2f", microsecondsPerCall)) µs per call over \(Format.grouped(Int64(calls))) calls "
                + "(prompts of \(Int(meanBytes)) bytes on average, \(models) models); "
                + "\(String(format: "%.2f", microsecondsPerTwoKBCall)) µs per call for the \(Format.grouped(Int64(twoKBCalls))) calls "
                + "on prompts of 1.5-2.5 KB."
        }

        var json: [String: Any] {
            [
                "calls": calls, "mean_bytes": meanBytes, "cpu_us_per_call": microsecondsPerCall, "calls_2kb": twoKBCalls,
                "cpu_us_per_call_2kb": microsecondsPerTwoKBCall, "models": models,
            ]
        }
    }

    /// Routes every prompt of `examples` (repeated to at least 20,000 calls) and, separately, those of 1.5 to 2.5 KB.
    static func measure(_ router: LearnedRouter, examples: [RouterExample]) -> Figures {
        let texts = examples.map(\.text)
        let twoKB = texts.filter { (1_536...2_560).contains($0.utf8.count) }
        func perCall(_ texts: [String]) -> (Int, Double) {
            guard !texts.isEmpty else { return (0, 0) }
            let rounds = max(1, 20_000 / texts.count)
            var chosen = 0
            let start = BenchCache.cpuNanoseconds()
            for _ in 0..<rounds {
                for text in texts { chosen &+= router.route(text: text).model.utf8.count }
            }
            let elapsed = BenchCache.cpuNanoseconds() - start
            precondition(chosen != 0)
            return (rounds * texts.count, Double(elapsed) / Double(rounds * texts.count) / 1_000)
        }
        let all = perCall(texts)
        let two = perCall(twoKB)
        let bytes = Double(texts.reduce(0) { $0 + $1.utf8.count }) / Double(max(1, texts.count))
        return Figures(
            calls: all.0, meanBytes: bytes, microsecondsPerCall: all.1, twoKBCalls: two.0, microsecondsPerTwoKBCall: two.1,
            models: router.models.count)
    }
}
