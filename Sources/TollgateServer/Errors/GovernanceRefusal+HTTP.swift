import TollgateCore
import TollgateProviders

/// How governance's refusals are answered over HTTP: the status of each kind (from the table in
/// `GatewayError+Status.swift`) and the headers that carry its facts.
extension GovernanceRefusal {
    /// The status the refusal is answered with.
    var httpStatus: Int { GatewayError.status(of: code) }

    /// The response headers that carry the refusal's facts (`x-tollgate-budget*`, `x-tollgate-trace-*`, `x-ratelimit-*`).
    var httpHeaders: [String: String] {
        switch detail {
        case .budget(let name, let limit, let spent):
            [
                "x-tollgate-budget": name, "x-tollgate-budget-limit-usd": Money.format(nanoUSD: limit),
                "x-tollgate-budget-spent-usd": Money.format(nanoUSD: spent),
            ]
        case .trace(let totals):
            [
                "x-tollgate-trace-calls": String(totals.calls), "x-tollgate-trace-tokens": String(totals.tokens),
                "x-tollgate-trace-cost-usd": Money.format(nanoUSD: totals.costNanoUSD),
            ]
        case .rateLimits(let snapshot): snapshot.httpHeaders
        case nil: [:]
        }
    }
}

extension RateLimitSnapshot {
    /// OpenAI-style `x-ratelimit-*` headers.
    var httpHeaders: [String: String] {
        var headers: [String: String] = [:]
        if let window = requests {
            headers["x-ratelimit-limit-requests"] = String(window.limit)
            headers["x-ratelimit-remaining-requests"] = String(window.remaining)
            headers["x-ratelimit-reset-requests"] = Self.resetText(ms: window.msToFull)
        }
        if let window = tokens {
            headers["x-ratelimit-limit-tokens"] = String(window.limit)
            headers["x-ratelimit-remaining-tokens"] = String(window.remaining)
            headers["x-ratelimit-reset-tokens"] = Self.resetText(ms: window.msToFull)
        }
        return headers
    }

    /// `850ms`, `6s`, `1m30s`: the format OpenAI uses for reset times.
    static func resetText(ms: Int64) -> String {
        if ms < 1_000 { return "\(max(0, ms))ms" }
        let seconds = (ms + 999) / 1_000
        if seconds < 60 { return "\(seconds)s" }
        return "\(seconds / 60)m\(seconds % 60)s"
    }
}

extension GatewayError {
    /// The answer to a refused call, in the caller's dialect; a 429 is worth retrying when it clears within a minute.
    init(_ refusal: GovernanceRefusal, dialect: Dialect, requestID: String) {
        let status = refusal.httpStatus
        self.init(
            dialect: dialect, RequestError(RequestError.Code(rawValue: refusal.code.rawValue), refusal.message), requestID: requestID,
            retryAfter: refusal.retryAfterSeconds.map { Int($0) }, shouldRetry: status == 429 && (refusal.retryAfterSeconds ?? .max) <= 60,
            headers: refusal.httpHeaders)
    }
}
