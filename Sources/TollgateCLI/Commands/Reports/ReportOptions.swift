import ArgumentParser
import Foundation
import TollgateCore
import TollgateServer
import TollgateStore

/// `--period` or `--since/--until` for the analytics reports.
struct PeriodOptions: ParsableArguments {
    @Option(help: "Period: YYYY-MM (month), YYYY-Qn (quarter) or YYYY-MM-DD (day), UTC. Default: this month.")
    var period: String?

    @Option(help: "First day included, YYYY-MM-DD (UTC), instead of --period.")
    var since: String?

    @Option(help: "First day excluded, YYYY-MM-DD (UTC). Default with --since: tomorrow.")
    var until: String?

    func resolve() throws -> ReportPeriod {
        do {
            return try ReportPeriod.parse(period: period, since: since, until: until, nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
        } catch {
            throw ValidationError(error.message)
        }
    }

    func validate() throws { _ = try resolve() }
}

/// `--json` / `--csv` (default: an 80-column table).
struct FormatOptions: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }
}

/// JSON output helpers: exact money as decimal strings and nano integers.
enum ReportJSON {
    static func print(_ document: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    static func measures(_ m: SpendMeasures) -> [String: Any] {
        [
            "calls": m.calls, "input_tokens": m.inputTokens, "cache_read_tokens": m.cacheRead, "cache_write_tokens": m.cacheWrite,
            "output_tokens": m.output, "reasoning_tokens": m.reasoning, "cost_usd": Money.format(nanoUSD: m.costNanoUSD),
            "cost_nano_usd": m.costNanoUSD, "input_cost_nano_usd": m.inputCostNanoUSD, "unpriced_calls": m.unpricedCalls,
            "estimated_calls": m.estimatedCalls, "failed_calls": m.failedCalls,
        ]
    }

    static func period(_ p: ReportPeriod) -> [String: Any] {
        let (from, to) = p.dayRange
        return ["label": p.label, "since": from, "until": to, "start_ms": p.startMs, "end_ms": p.endMs]
    }

    /// `value` or JSON null.
    static func optional(_ value: Any?) -> Any { value ?? NSNull() }
}

/// Reads a rate card: `--rate-card FILE` (YAML or JSON), else `reports.rate_card` of `--config`, else the default
/// (one tier with no surcharge, proportional allocation).
func loadRateCard(file: String?, config: String?) throws -> RateCard {
    if let file {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("\(file): cannot read the rate card") }
        do {
            return try RateCardLoader.decode(String(decoding: data, as: UTF8.self))
        } catch {
            throw ValidationError("\(file): \(error)")
        }
    }
    if let config {
        return try loadRuntime(config).configuration.reports.rateCard ?? RateCard()
    }
    return RateCard()
}

/// Reads KPI targets from `--config`, or the defaults.
func loadTargets(config: String?) throws -> ReportsConfiguration.Targets {
    guard let config else { return .init() }
    return try loadRuntime(config).configuration.reports.targets
}
