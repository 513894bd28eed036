import Foundation
import Testing
import TollgateCore
import TollgateTestKit

/// Cross-checks the Swift cost arithmetic against an independent Python `decimal`
/// implementation (Tests/reference/litellm_reference.py) over every chat and embedding model
/// of the pinned LiteLLM snapshot, to the nano-USD.
@Suite struct PricingReferenceTests {
    @Test func everySnapshotModelMatchesTheDecimalReference() throws {
        let root = try #require(
            PricingTestSupport.repositoryRoot(),
            "repository root (Package.swift + Tests/reference) not found above \(#filePath)"
        )
        let script = root.appendingPathComponent("Tests/reference/litellm_reference.py")
        let snapshot = PricingTestSupport.snapshotURL(root: root)
        let snapshotBytes = try #require(
            FileManager.default.contents(atPath: snapshot.path),
            "the pinned LiteLLM snapshot is missing at \(snapshot.path); the reference comparison cannot run"
        )

        let output = try runPython(script: script, arguments: [snapshot.path], in: root)
        let cases = try #require(
            try JSONSerialization.jsonObject(with: output) as? [[String: Any]],
            "the reference script did not print a JSON array of cases"
        )

        let catalog = PriceCatalog(prices: try LiteLLMCatalog.parse(snapshotBytes, effectiveFrom: 0), version: "snapshot")
        var compared = 0
        var pricedCases = 0
        var chatModels = Set<String>()
        var mismatches: [String] = []
        for item in cases {
            guard let model = item["model"] as? String,
                let modeName = item["mode"] as? String, let mode = PricingMode(rawValue: modeName),
                let usageObject = item["usage"] as? [String: Any]
            else {
                mismatches.append("malformed case \(item)")
                continue
            }
            let usage = TokenUsage(
                inputUncached: int64(usageObject["inputUncached"]), cacheRead: int64(usageObject["cacheRead"]),
                cacheWrite5m: int64(usageObject["cacheWrite5m"]), cacheWrite1h: int64(usageObject["cacheWrite1h"]),
                output: int64(usageObject["output"]), reasoning: int64(usageObject["reasoning"])
            )
            if catalog.price(for: model, at: 0)?.mode == "chat" { chatModels.insert(model) }
            compared += 1
            let result = catalog.cost(model: model, usage: usage, at: 0, mode: mode)
            if item["unpriced"] as? Bool == true {
                if case .priced(let cost, _) = result {
                    mismatches.append("\(model) \(modeName) \(usage): reference unpriced (\(item["reason"] ?? "")), Swift \(cost.totalNanoUSD) nano")
                }
                continue
            }
            pricedCases += 1
            let expected = int64(item["expected_nano"])
            let expectedComponents = (item["components"] as? [[String: Any]] ?? []).map {
                "\($0["kind"] as? String ?? "?"):\(int64($0["tokens"])):\(int64($0["nano"]))"
            }
            switch result {
            case .unpriced(let reason):
                mismatches.append("\(model) \(modeName) \(usage): reference \(expected) nano, Swift unpriced: \(reason)")
            case .priced(let cost, _):
                let components = cost.components.map { "\($0.kind.rawValue):\($0.tokens):\($0.nanoUSD)" }
                if cost.totalNanoUSD != expected || components != expectedComponents {
                    mismatches.append(
                        "\(model) \(modeName) \(usage): reference \(expected) \(expectedComponents), Swift \(cost.totalNanoUSD) \(components)")
                }
                if cost.components.reduce(0, { $0 + $1.nanoUSD }) != cost.totalNanoUSD {
                    mismatches.append("\(model) \(modeName): components do not sum to the total")
                }
            }
        }

        print(
            "PricingReferenceTests: compared \(compared) cases (\(pricedCases) priced) over \(Set(cases.compactMap { $0["model"] as? String }).count) models, \(chatModels.count) chat models; \(mismatches.count) mismatches"
        )
        #expect(chatModels.count > 3_000, "expected every chat model of the snapshot")
        #expect(compared > 20_000)
        #expect(pricedCases > 15_000)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(20).joined(separator: "\n"))")
    }

    private func int64(_ value: Any?) -> Int64 {
        (value as? NSNumber)?.int64Value ?? -1
    }

    /// Runs `python3 script arguments…` and returns its standard output; fails (not skips) when
    /// python3 cannot be started or exits non-zero.
    private func runPython(script: URL, arguments: [String], in directory: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        process.currentDirectoryURL = directory
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            Issue.record("could not start python3 for the reference computation: \(error)")
            throw error
        }
        // Drain stderr concurrently so a chatty script cannot block on a full pipe.
        let errorBox = DataBox()
        let errorReader = Thread { errorBox.data = stderr.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorBox.isSet { Thread.sleep(forTimeInterval: 0.01) }
        try #require(
            process.terminationStatus == 0,
            "python3 \(script.lastPathComponent) exited with \(process.terminationStatus) (is python3 installed?): \(String(decoding: errorBox.data, as: UTF8.self))"
        )
        return data
    }
}

/// Hands the stderr bytes from the reader thread back to the test.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var done = false

    var data: Data {
        get { lock.withLock { stored } }
        set {
            lock.withLock {
                stored = newValue
                done = true
            }
        }
    }

    var isSet: Bool { lock.withLock { done } }
}
