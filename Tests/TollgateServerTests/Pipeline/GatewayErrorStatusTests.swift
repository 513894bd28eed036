import HTTPTypes
import Hummingbird
import Testing
import TollgateProviders

@testable import TollgateServer

/// The one table from a request error's code to the status it is answered with, read off the response itself.
@Suite struct GatewayErrorStatusTests {
    @Test(arguments: [
        (RequestError.Code.invalidJSON, 400), (.missingRequiredParameter, 400), (.invalidType, 400), (.invalidValue, 400),
        (.duplicateParameter, 400), (.integerBelowMinValue, 400), (.integerAboveMaxValue, 400), (.invalidRequest, 400),
        (.invalidAttribution, 400), (.wrongRoute, 400), (.invalidOutcome, 400), (.invalidConfiguration, 400), (.invalidHTTPRequest, 400),
        (.invalidAPIKey, 401), (.invalidAdminKey, 401), (.modelNotFound, 404), (.notFound, 404), (.unknownURL, 404), (.adminDisabled, 404),
        (.methodNotAllowed, 405), (.alreadyExists, 409), (.configured, 409), (.keyRevoked, 409), (.outcomeConflict, 409),
        (.requestTooLarge, 413), (.unsupportedMediaType, 415), (.internalError, 500), (.unsupportedTransferEncoding, 501),
        (.ledgerUnavailable, 503),
        (RequestError.Code(rawValue: "budget_exceeded"), 429), (RequestError.Code(rawValue: "kill_switch"), 503),
        (RequestError.Code(rawValue: "model_not_allowed"), 403),
    ])
    func eachCodeIsAnsweredWithItsStatus(code: RequestError.Code, status: Int) throws {
        for dialect in [Dialect.openai, .anthropic] {
            let response = GatewayError(dialect: dialect, RequestError(code, "m")).response()
            #expect(response.status.code == status, "\(code) in \(dialect)")
            let retry = response.headers[.shouldRetry]
            #expect(retry == (status == 409 || status == 429 || status >= 500 ? "true" : "false"), "\(code)")
        }
    }

    @Test func aProviderFailureKeepsTheStatusItsEntryRecords() {
        let error = GatewayError(
            status: 504, dialect: .openai, RequestError(RequestError.Code(rawValue: "first_byte_timeout"), "m"), shouldRetry: false)
        #expect(error.response().status.code == 504)
        #expect(error.response().headers[.shouldRetry] == "false")
    }
}
