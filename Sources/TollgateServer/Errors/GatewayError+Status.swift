import TollgateCore
import TollgateProviders

/// The one table from what went wrong to the HTTP status it is answered with.
extension GatewayError {
    /// The status a request error's code is answered with; 400 unless the code says otherwise.
    static func status(of code: RequestError.Code) -> Int {
        switch code {
        case .invalidAPIKey, .invalidAdminKey: 401
        case .modelNotFound, .notFound, .unknownURL, .adminDisabled: 404
        case .methodNotAllowed: 405
        case .alreadyExists, .configured, .keyRevoked, .outcomeConflict: 409
        case .requestTooLarge: 413
        case .unsupportedMediaType: 415
        case .internalError: 500
        case .unsupportedTransferEncoding: 501
        case .ledgerUnavailable, .providerUnavailable: 503
        case .cacheMiss: 504
        default: status(of: GovernanceRefusal.Code(rawValue: code.rawValue))
        }
    }

    /// The status of a governance refusal: 429 for budgets and limits, 403 for policy, 503 for kill
    /// switches, 400 for input ceilings; 400 for a code that is not a refusal's.
    static func status(of code: GovernanceRefusal.Code) -> Int {
        switch code {
        case .budgetExceeded, .rateLimitExceeded, .agentLimitExceeded: 429
        case .killSwitch: 503
        case .modelNotAllowed, .workflowNotRegistered, .unpricedModel: 403
        default: 400
        }
    }
}
