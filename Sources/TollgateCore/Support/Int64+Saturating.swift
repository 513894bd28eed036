extension Int64 {
    /// `self + other`, held at `Int64.max` or `Int64.min` instead of trapping on overflow.
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
