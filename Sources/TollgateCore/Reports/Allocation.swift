/// How shared and unattributed cost is spread over the teams that pay for it.
public enum AllocationRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// In proportion to each team's own (direct) cost.
    case proportional
    /// The same amount to every receiving team.
    case even
    /// By the fixed shares of the rate card (`fixed_shares`).
    case fixed
}

/// Exact integer apportionment.
public enum Allocation {
    /// Splits `total` nano-USD over `weights` by the largest-remainder (Hamilton) method: each part gets the
    /// floor of its exact quota `total × wᵢ ÷ Σw`, and the nanos left over go one each to the largest
    /// remainders (ties to the lower index). The parts sum to `total` exactly; each differs from its exact
    /// quota by less than one nano.
    /// - Returns: nil when every weight is zero, or a weight is negative (there is nothing to split by).
    public static func largestRemainder(_ total: Int64, weights: [Int128]) -> [Int64]? {
        guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 }) else { return nil }
        var sum: Int128 = 0
        for w in weights {
            let (s, o) = sum.addingReportingOverflow(w)
            guard !o else { return nil }
            sum = s
        }
        guard sum > 0 else { return nil }
        let magnitude = Int128(total.magnitude)
        var parts: [Int128] = []
        var remainders: [(Int128, Int)] = []
        var given: Int128 = 0
        for (i, w) in weights.enumerated() {
            // magnitude < 2^63 and w ≤ sum; split the product to stay inside Int128 for any weight.
            let (q1, r1) = magnitude.quotientAndRemainder(dividingBy: sum)
            // total × w / sum = q1 × w + r1 × w / sum
            let whole = q1 * w
            let (q2, r2) = mulDiv(r1, w, sum)
            parts.append(whole + q2)
            remainders.append((r2, i))
            given += whole + q2
        }
        var left = magnitude - given
        remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var k = 0
        while left > 0 {
            parts[remainders[k].1] += 1
            left -= 1
            k += 1
        }
        return parts.map { total < 0 ? -Int64($0) : Int64($0) }
    }

    /// (a × b) ÷ c and its remainder for 0 ≤ a < c, 0 ≤ b ≤ c, without overflowing Int128.
    private static func mulDiv(_ a: Int128, _ b: Int128, _ c: Int128) -> (Int128, Int128) {
        let (high, low) = UInt128(a).multipliedFullWidth(by: UInt128(b))
        let (q, r) = UInt128(c).dividingFullWidth((high, low))
        return (Int128(q), Int128(r))
    }
}
