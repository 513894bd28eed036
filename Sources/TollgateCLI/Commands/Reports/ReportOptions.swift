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

/// `--json` / `--csv` (default: a table fitted to the terminal).
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

    /// Spend measures; `cost_usd`/`cost_nano_usd` are null when no call is priced, and `cost_complete` is false
    /// whenever some calls are unpriced (the amount is then a lower bound).
    static func measures(_ m: SpendMeasures) -> [String: Any] {
        let knowledge = CostKnowledge.of(m)
        let unknown = knowledge == .unknown
        return [
            "calls": m.calls, "refused_calls": m.refusedCalls, "input_tokens": m.inputTokens, "cache_read_tokens": m.cacheRead,
            "cache_write_tokens": m.cacheWrite, "output_tokens": m.output, "reasoning_tokens": m.reasoning, "tokens": m.totalTokens,
            "cost_usd": unknown ? NSNull() : Money.format(nanoUSD: m.costNanoUSD), "cost_nano_usd": unknown ? NSNull() : m.costNanoUSD,
            "cost_complete": knowledge.isComplete, "input_cost_nano_usd": unknown ? NSNull() : m.inputCostNanoUSD,
            "unpriced_calls": m.unpricedCalls, "estimated_calls": m.estimatedCalls, "failed_calls": m.failedCalls,
        ]
    }

    /// A ratio as a fixed-precision decimal string (6 decimals), or null.
    static func ratio(_ value: Double?) -> Any { optional(ReportText.fixed(value)) }

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
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the rate card") }
        do {
            return try RateCardLoader.decode(String(decoding: data, as: UTF8.self))
        } catch {
            throw CommandFailure("\(file): \(error)")
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
