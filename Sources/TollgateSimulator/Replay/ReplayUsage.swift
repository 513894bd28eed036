public import TollgateCore

/// How a replayed answer reports its usage.
public enum ReplayUsageMode: String, Sendable, Hashable, CaseIterable {
    /// Usage that costs the recorded cost at the model's ``ReplayPrice``: input is the token estimate of
    /// the request, output is whatever remains of the recorded cost at the output price (see
    /// ``ReplayUsage/matchingCost(nanoUSD:inputTokens:outputTokens:price:)``). A model without a listed
    /// price, or an answer without a recorded cost, reports ``estimated`` usage instead.
    case recordedCost = "cost"
    /// Input and output are the token estimates of the request and of the recorded response.
    case estimated = "estimate"

    /// Creates a mode from its name (`cost` or `estimate`, any case).
    /// - Parameter name: The name, as in a CLI option.
    public init?(name: some StringProtocol) {
        self.init(rawValue: name.lowercased())
    }
}

/// The usage a replayed answer reports.
public enum ReplayUsage {
    /// The usage of `answer` to a request of `inputTokens` estimated tokens.
    /// - Parameters:
    ///   - answer: The recorded answer.
    ///   - inputTokens: The request's estimated input tokens (``SimulatedPrompt/inputTokens``).
    ///   - mode: How usage is chosen.
    ///   - price: The model's list price; by default its ``ReplayPrice/routerBench(model:)`` entry.
    /// - Returns: Uncached input and output (no cache activity, no reasoning).
    public static func usage(
        of answer: RecordedAnswer,
        inputTokens: Int64,
        mode: ReplayUsageMode,
        price: ReplayPrice? = nil
    ) -> TokenUsage {
        let outputTokens = TokenEstimator.tokens(in: answer.response)
        guard mode == .recordedCost, let cost = answer.costNanoUSD, let price = price ?? ReplayPrice.routerBench(model: answer.model)
        else {
            return TokenUsage(inputUncached: inputTokens, output: outputTokens)
        }
        let counts = matchingCost(nanoUSD: cost, inputTokens: inputTokens, outputTokens: outputTokens, price: price)
        return TokenUsage(inputUncached: counts.input, output: counts.output)
    }

    /// Token counts that cost `nanoUSD` at `price` as closely as whole tokens allow, near the estimates.
    ///
    /// Input is `inputTokens` when the two estimates together cost no more than `nanoUSD`; otherwise both
    /// are scaled down in proportion and input is the scaled `inputTokens`. Input may then move by up to
    /// one cycle of the prices' ratio (for 10 and 30 USD per million, 3 tokens) to the count nearest to it
    /// whose remainder is a whole number of output tokens; output is that remainder at the output price.
    /// When the cost is a whole combination of the two prices (true of every RouterBench row) the match
    /// is exact.
    /// - Parameters:
    ///   - nanoUSD: The cost to reproduce.
    ///   - inputTokens: The estimated input tokens.
    ///   - outputTokens: The estimated output tokens.
    ///   - price: The input and output prices.
    /// - Returns: Input and output tokens, neither negative.
    public static func matchingCost(
        nanoUSD: Int64, inputTokens: Int64, outputTokens: Int64, price: ReplayPrice
    )
        -> (input: Int64, output: Int64)
    {
        let cost = Int128(max(0, nanoUSD)) * unitsPerNanoUSD
        let inputRate = price.input.units
        let outputRate = price.output.units
        var preferred = Int128(max(0, inputTokens))
        guard outputRate > 0 else { return (Int64(preferred), 0) }
        guard inputRate > 0 else { return (Int64(preferred), Int64(rounded(cost, outputRate))) }
        let estimated = preferred * inputRate + Int128(max(0, outputTokens)) * outputRate
        if estimated > cost { preferred = preferred * cost / estimated }
        let center = min(preferred, cost / inputRate)
        let cycle = min(outputRate / greatestCommonDivisor(inputRate, outputRate), 100_000)
        var best = (input: center, output: rounded(cost - center * inputRate, outputRate))
        var bestError = residual(cost - center * inputRate, outputRate)
        var distance: Int128 = 1
        while distance <= cycle, bestError > 0 {
            for input in [center - distance, center + distance] where input >= 0 && input * inputRate <= cost {
                let remainder = cost - input * inputRate
                let error = residual(remainder, outputRate)
                if error < bestError {
                    best = (input, rounded(remainder, outputRate))
                    bestError = error
                }
            }
            distance += 1
        }
        return (Int64(best.input), Int64(best.output))
    }

    /// ``USDRate/units`` per nano-USD (10^25 units per USD).
    private static let unitsPerNanoUSD: Int128 = 10_000_000_000_000_000

    /// `value / step` rounded to the nearest whole number (halves up).
    private static func rounded(_ value: Int128, _ step: Int128) -> Int128 {
        (value + step / 2) / step
    }

    /// How far `value` is from the nearest multiple of `step`.
    private static func residual(_ value: Int128, _ step: Int128) -> Int128 {
        let remainder = value % step
        return min(remainder, step - remainder)
    }

    private static func greatestCommonDivisor(_ a: Int128, _ b: Int128) -> Int128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
