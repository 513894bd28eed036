/// A token bucket: holds up to `capacity`, refills continuously at `capacity` per `periodMs`.
/// The level stays within [0, capacity]: a call larger than the bucket, or one that used more than
/// it reserved, empties it rather than leaving a debt that would lock the scope out for long.
struct TokenBucket: Sendable, Hashable {
    let capacity: Double
    let perMs: Double
    var level: Double
    var lastMs: Int64

    init(capacity: Int64, periodMs: Int64, nowMs: Int64) {
        self.capacity = Double(capacity)
        self.perMs = Double(capacity) / Double(periodMs)
        self.level = Double(capacity)
        self.lastMs = nowMs
    }

    mutating func refill(nowMs: Int64) {
        guard nowMs > lastMs else { return }
        level = min(capacity, level + Double(nowMs - lastMs) * perMs)
        lastMs = nowMs
    }

    /// Takes `amount`, never below empty.
    mutating func drain(_ amount: Double) {
        level = max(0, level - amount)
    }

    /// Milliseconds until `amount` (at most the capacity) is available; 0 when it is now.
    func wait(for amount: Double) -> Int64 {
        let need = min(amount, capacity)
        return level >= need ? 0 : Int64(((need - level) / perMs).rounded(.up))
    }

    /// Milliseconds until the bucket is full again.
    var msToFull: Int64 { Int64(((capacity - level) / perMs).rounded(.up)) }
}

/// The buckets of one rate limit for one counter key.
struct RateBuckets: Sendable {
    var requestsPerMinute: TokenBucket?
    var tokensPerMinute: TokenBucket?
    var requestsPerDay: TokenBucket?
    var tokensPerDay: TokenBucket?

    init(_ rule: RateLimitRule, nowMs: Int64) {
        requestsPerMinute = rule.requestsPerMinute.map { TokenBucket(capacity: $0, periodMs: 60_000, nowMs: nowMs) }
        tokensPerMinute = rule.tokensPerMinute.map { TokenBucket(capacity: $0, periodMs: 60_000, nowMs: nowMs) }
        requestsPerDay = rule.requestsPerDay.map { TokenBucket(capacity: $0, periodMs: 86_400_000, nowMs: nowMs) }
        tokensPerDay = rule.tokensPerDay.map { TokenBucket(capacity: $0, periodMs: 86_400_000, nowMs: nowMs) }
    }

    mutating func refill(nowMs: Int64) {
        requestsPerMinute?.refill(nowMs: nowMs)
        tokensPerMinute?.refill(nowMs: nowMs)
        requestsPerDay?.refill(nowMs: nowMs)
        tokensPerDay?.refill(nowMs: nowMs)
    }

    /// Why a call of `tokens` tokens cannot start now, or nil when it can.
    func refusal(rule: RateLimitRule, scopeKey: String, tokens: Int64) -> GovernanceRefusal? {
        let amount = Double(tokens)
        let fits =
            (requestsPerMinute?.wait(for: 1) ?? 0) == 0 && (requestsPerDay?.wait(for: 1) ?? 0) == 0
            && (tokensPerMinute?.wait(for: amount) ?? 0) == 0 && (tokensPerDay?.wait(for: amount) ?? 0) == 0
        if fits { return nil }
        let checks: [(TokenBucket?, Double, String)] = [
            (requestsPerMinute, 1, "\(rule.requestsPerMinute ?? 0) requests per minute"),
            (tokensPerMinute, Double(tokens), "\(rule.tokensPerMinute ?? 0) tokens per minute"),
            (requestsPerDay, 1, "\(rule.requestsPerDay ?? 0) requests per day"),
            (tokensPerDay, Double(tokens), "\(rule.tokensPerDay ?? 0) tokens per day"),
        ]
        for (bucket, amount, text) in checks {
            guard let bucket else { continue }
            let wait = bucket.wait(for: amount)
            guard wait > 0 else { continue }
            let seconds = max(1, (wait + 999) / 1_000)
            let scope = scopeKey.isEmpty ? "" : " for \(scopeKey)"
            return GovernanceRefusal(
                code: .rateLimitExceeded, message: "Rate limit '\(rule.name)'\(scope) reached: \(text). Retry in \(seconds)s.",
                retryAfterSeconds: seconds, detail: .rateLimits(snapshot()), rule: "rate_limit:\(rule.name)")
        }
        return nil
    }

    /// Whether every bucket is full (the counter holds no state worth keeping).
    var isFull: Bool {
        [requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay].allSatisfy { bucket in
            bucket.map { $0.level >= $0.capacity } ?? true
        }
    }

    mutating func take(tokens: Int64) {
        let tokens = Double(max(0, tokens))
        requestsPerMinute?.drain(1)
        requestsPerDay?.drain(1)
        tokensPerMinute?.drain(tokens)
        tokensPerDay?.drain(tokens)
    }

    /// Gives back what a call reserved but did not use (or takes what it used beyond).
    mutating func refund(reserved: Int64, actual: Int64) {
        let delta = Double(max(0, reserved)) - Double(max(0, actual))
        if var bucket = tokensPerMinute {
            bucket.level = max(0, min(bucket.capacity, bucket.level + delta))
            tokensPerMinute = bucket
        }
        if var bucket = tokensPerDay {
            bucket.level = max(0, min(bucket.capacity, bucket.level + delta))
            tokensPerDay = bucket
        }
    }

    /// What the per-minute buckets have left (per-day ones where no per-minute one is set).
    func snapshot() -> RateLimitSnapshot {
        func window(_ bucket: TokenBucket?) -> RateLimitSnapshot.Window? {
            bucket.map { .init(limit: Int64($0.capacity), remaining: max(0, Int64($0.level.rounded(.down))), msToFull: $0.msToFull) }
        }
        return RateLimitSnapshot(requests: window(requestsPerMinute ?? requestsPerDay), tokens: window(tokensPerMinute ?? tokensPerDay))
    }
}
