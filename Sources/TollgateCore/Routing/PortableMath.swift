/// `exp`, `log` and the logistic function computed with `+ - * /` only, so a router trains to the same bits
/// and routes with the same probabilities on every machine (libm's `exp` and `log` differ in the last bit
/// between platforms).
///
/// Both are accurate to about 1 ulp over the ranges a router uses; neither is meant as a general libm.
public enum PortableMath {
    private static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    private static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    private static let log2e = 1.442_695_040_888_963_387
    /// 1 / k! for k = 0...13 (each the nearest double, from exact integer factorials).
    private static let inverseFactorials: [Double] = (0...13).map { k in 1 / Double((1...max(1, k)).reduce(1, *)) }

    /// e raised to `x`: 0 below -745, infinity above 709.78.
    public static func exp(_ x: Double) -> Double {
        guard x.isFinite else { return x.isNaN ? x : (x > 0 ? x : 0) }
        if x > 709.78 { return .infinity }
        if x < -745 { return 0 }
        let n = (x * log2e).rounded()
        let r = (x - n * ln2Hi) - n * ln2Lo
        // Taylor series to r^13 / 13! in Horner form: |r| <= 0.35, so the tail is below 1e-17 of the result.
        var sum = inverseFactorials[13]
        for k in stride(from: 12, through: 0, by: -1) { sum = sum * r + inverseFactorials[k] }
        return scale(sum, by: Int(n))
    }

    /// The natural logarithm of `x`: -infinity at 0, NaN below.
    public static func log(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x.isFinite else { return x }
        var exponent = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.414_213_562_373_095_1 {
            m /= 2
            exponent += 1
        }
        // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var power = s
        var sum = 0.0
        for k in stride(from: 1, through: 25, by: 2) {
            sum += power / Double(k)
            power *= s2
        }
        let e = Double(exponent)
        return e * ln2Hi + (2 * sum + e * ln2Lo)
    }

    /// The logistic function 1 / (1 + e^-z).
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// log(1 + e^z), without overflow for large `z`.
    static func softplus(_ z: Double) -> Double {
        z > 0 ? z + log(1 + exp(-z)) : log(1 + exp(z))
    }

    /// `value` × 2^`power`, exact while the result is a normal number (two steps so 2^power never overflows).
    private static func scale(_ value: Double, by power: Int) -> Double {
        let half = power / 2
        return value * Double(sign: .plus, exponent: half, significand: 1)
            * Double(sign: .plus, exponent: power - half, significand: 1)
    }
}
