/// Whether a request's answer may be served from, and stored in, the exact response cache by default:
/// only a deterministic request (an effective `temperature` of 0) for one answer (`n` of 1), since
/// a cached answer to a sampled request would freeze one draw of a distribution the caller asked for.
public enum ResponseCacheEligibility: Sendable, Hashable {
    /// The request may be cached.
    case eligible
    /// The request is not cached, and why.
    case ineligible(String)

    /// The eligibility of a request body (both dialects sample at a temperature of 1 by default).
    /// - Parameter anyTemperature: Caches sampled requests too (a workflow that accepts a frozen draw).
    public init(body: JSONDocument, anyTemperature: Bool = false) {
        let root = body.root
        guard root.kind == .object else {
            self = .ineligible("the body is not a JSON object")
            return
        }
        if let n = root["n"], !n.isNull, n.integer != 1 {
            self = .ineligible("n is not 1")
            return
        }
        if !anyTemperature {
            let temperature = root["temperature"].flatMap { $0.isNull ? nil : $0 }
            guard let temperature else {
                self = .ineligible("temperature is omitted, so the provider samples at its default of 1")
                return
            }
            guard temperature.integer == 0 else {
                self = .ineligible("temperature is not 0")
                return
            }
        }
        self = .eligible
    }
}
