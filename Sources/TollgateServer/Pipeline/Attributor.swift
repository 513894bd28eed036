import HTTPTypes
import TollgateCore
import TollgateProviders

/// The attribute stage: the key's defaults, then what the caller declares in `x-tollgate-*` headers, and
/// the SDKs' own end-user fields (OpenAI `user`, Anthropic `metadata.user_id`) when no header names the user.
enum Attributor {
    /// The call's attribution.
    /// - Throws: ``GatewayError`` 400 `invalid_attribution` when a declared value is not acceptable.
    static func attribution(
        _ principal: Principal, headers: HTTPFields, probe: RequestProbe, dialect: Dialect
    ) throws(GatewayError) -> Attribution {
        let attribution = principal.attribute { name in
            attributionHeaders[name].flatMap { headers[$0] } ?? (name == userHeader ? probe.user : nil)
        }
        if let (field, problem) = attribution.declaredProblem {
            throw GatewayError(
                dialect: dialect,
                RequestError(.invalidAttribution, "The value of '\(field)' \(problem).", param: field))
        }
        return attribution
    }

    /// The header that declares the end user.
    static let userHeader = Attribution.Dimension.user.header ?? "x-tollgate-user"

    /// The attribution headers, parsed once.
    static let attributionHeaders: [String: HTTPField.Name] = Dictionary(
        uniqueKeysWithValues: (Attribution.Dimension.declarable.compactMap(\.header) + ["x-tollgate-tags"]).map { ($0, HTTPField.Name($0)!) })
}
