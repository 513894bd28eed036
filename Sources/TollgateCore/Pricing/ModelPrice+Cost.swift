extension ModelPrice {
    /// The exact cost of a call with `usage`, following standards.md §4.3/§4.6:
    ///
    /// - The prompt count (uncached input + cache reads + all cache writes, never output)
    ///   selects the highest ``ThresholdTier`` it passes; the whole request then uses that
    ///   tier's rate for every token type the tier prices, the base rate for the others.
    /// - With `tiered_pricing`, the band is chosen once from the same count
    ///   (lower < count ≤ upper; above every band the last; zero tokens the first).
    /// - A missing cache-read or cache-write rate is the input rate, a missing 1-hour write
    ///   rate the 5-minute one, a missing reasoning rate the output rate; an explicit 0 is
    ///   honoured.
    /// - Batch mode replaces each rate by its explicit `_batches` twin, else by exactly half.
    /// - Reasoning is part of output: output text = output − reasoning (reasoning is capped
    ///   at output).
    ///
    /// The total is rounded once, half-even, to nano-USD; see ``Cost``.
    ///
    /// - Throws: ``PricingError`` when the model is unpriced, a token type with tokens has
    ///   no price at all, a count is negative, or the arithmetic would overflow.
    public func cost(of usage: TokenUsage, mode: PricingMode = .standard) throws -> Cost {
        guard isPriced else {
            throw PricingError.unpriced("model '\(model)' has no input, output or tiered price")
        }
        let counts: [(String, Int64)] = [
            ("inputUncached", usage.inputUncached), ("cacheRead", usage.cacheRead),
            ("cacheWrite5m", usage.cacheWrite5m), ("cacheWrite1h", usage.cacheWrite1h),
            ("output", usage.output), ("reasoning", usage.reasoning),
        ]
        for (name, count) in counts where count < 0 {
            throw PricingError.invalidUsage("model '\(model)': negative \(name) token count \(count)")
        }
        let promptTokens = try Self.checkedSum(
            [usage.inputUncached, usage.cacheRead, usage.cacheWrite5m, usage.cacheWrite1h],
            what: "prompt token count for model '\(model)'"
        )
        let rates = try resolvedRates(promptTokens: promptTokens, mode: mode)
        let reasoning = min(usage.reasoning, usage.output)

        let lines: [(CostComponent.Kind, Int64, USDRate?, String)] = [
            (.inputUncached, usage.inputUncached, rates.input, "input"),
            (.cacheRead, usage.cacheRead, rates.cacheRead, "cache read"),
            (.cacheWrite5m, usage.cacheWrite5m, rates.cacheWrite, "cache write"),
            (.cacheWrite1h, usage.cacheWrite1h, rates.cacheWrite1h, "1-hour cache write"),
            (.outputText, usage.output - reasoning, rates.output, "output"),
            (.reasoning, reasoning, rates.reasoning, "reasoning"),
        ]
        var billed: [(kind: CostComponent.Kind, tokens: Int64, rate: USDRate, exact: Int128)] = []
        var exactTotal: Int128 = 0
        for (kind, tokens, rate, name) in lines where tokens > 0 {
            guard let rate else {
                throw PricingError.missingRate("model '\(model)' has no \(name) price (\(tokens) \(kind.rawValue) tokens)")
            }
            let (exact, o1) = Int128(tokens).multipliedReportingOverflow(by: rate.units)
            let (sum, o2) = exactTotal.addingReportingOverflow(exact)
            guard !o1, !o2 else {
                throw PricingError.overflow("model '\(model)': \(tokens) \(kind.rawValue) tokens × \(rate) USD overflows")
            }
            exactTotal = sum
            billed.append((kind, tokens, rate, exact))
        }
        return try Self.allocate(billed, exactTotal: exactTotal, model: model)
    }

    /// The per-token rates that apply to a request with `promptTokens` prompt tokens in
    /// `mode`, after threshold, band, batch and fallback resolution. A nil rate means the
    /// catalog has no price for that token type.
    ///
    /// Useful for worst-case estimates (for example budget reservations).
    public func resolvedRates(promptTokens: Int64, mode: PricingMode = .standard) throws -> RateSet {
        let tier = thresholds.filter { $0.applies(toPromptTokens: promptTokens) }.max { $0.tokens < $1.tokens }
        let band = priceBand(forPromptTokens: promptTokens)
        var resolved = RateSet()
        // RateKind.allCases lists fallback targets before the kinds that fall back to them.
        for kind in RateKind.allCases {
            let source: (standard: USDRate, batchTwin: USDRate?)? =
                if let tier, let rate = tier.rates[kind] {
                    (rate, tier.batch[kind])
                } else if let band, let rate = band.rates[kind] {
                    (rate, nil)
                } else if let rate = base[kind] {
                    (rate, batch[kind])
                } else {
                    nil
                }
            if let source {
                switch mode {
                case .standard:
                    resolved[kind] = source.standard
                case .batch:
                    if let twin = source.batchTwin {
                        resolved[kind] = twin
                    } else if let half = source.standard.scaled(numerator: 1, denominator: 2) {
                        resolved[kind] = half
                    } else {
                        throw PricingError.inexact("model '\(model)': half of \(kind.liteLLMKey) \(source.standard) is not exact")
                    }
                }
            } else if let fallback = kind.fallback {
                resolved[kind] = resolved[fallback]
            }
        }
        return resolved
    }

    /// The `tiered_pricing` band for a prompt count: the first band with
    /// lower < count ≤ upper; above every band the last (the band with the highest upper
    /// bound below the count, which also settles gaps); a zero-token prompt the first.
    func priceBand(forPromptTokens promptTokens: Int64) -> PriceBand? {
        guard let first = tiered.first else { return nil }
        if promptTokens <= 0 { return first }
        if let band = tiered.first(where: { $0.lowerTokens < promptTokens && promptTokens <= $0.upperTokens }) {
            return band
        }
        // Above a band (above all of them, or in a gap): the highest band below the count.
        return tiered.filter { $0.upperTokens < promptTokens }.max { $0.upperTokens < $1.upperTokens } ?? first
    }

    private static func checkedSum(_ values: [Int64], what: String) throws -> Int64 {
        var total: Int64 = 0
        for value in values {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw PricingError.overflow("\(what) overflows Int64") }
            total = sum
        }
        return total
    }

    /// Rounds the exact total once (half-even) to nano-USD and hands it out to the
    /// components by largest remainder (ties to the earlier component).
    private static func allocate(
        _ billed: [(kind: CostComponent.Kind, tokens: Int64, rate: USDRate, exact: Int128)],
        exactTotal: Int128,
        model: String
    ) throws -> Cost {
        // Exact amounts are USD × 10^25; one nano-USD is 10^16 of those units.
        let unitsPerNano = ExactDecimal.powerOfTen(USDRate.fractionalDigits - 9)
        var totalNano = exactTotal / unitsPerNano
        let remainder = exactTotal % unitsPerNano
        if remainder * 2 > unitsPerNano || (remainder * 2 == unitsPerNano && totalNano % 2 == 1) {
            totalNano += 1
        }
        guard totalNano <= Int128(Int64.max) else {
            throw PricingError.overflow("model '\(model)': cost of \(totalNano) nano-USD exceeds Int64")
        }
        var shares = billed.map { $0.exact / unitsPerNano }
        let leftover = totalNano - shares.reduce(0, +)
        let order = billed.indices.sorted { lhs, rhs in
            let l = billed[lhs].exact % unitsPerNano
            let r = billed[rhs].exact % unitsPerNano
            return l != r ? l > r : lhs < rhs
        }
        for index in order.prefix(Int(leftover)) { shares[index] += 1 }
        let components = billed.indices.map { i in
            CostComponent(kind: billed[i].kind, tokens: billed[i].tokens, rate: billed[i].rate, nanoUSD: Int64(shares[i]))
        }
        return Cost(totalNanoUSD: Int64(totalNano), components: components)
    }
}
