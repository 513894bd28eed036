import TollgateCore
import Yams

/// Decodes a rate card file (the keys of `reports.rate_card`), strictly.
enum RateCardLoader {
    static func decode(_ text: String) throws -> RateCard {
        do {
            return try YAMLDecoder().decode(RateCard.self, from: text)
        } catch let error as DecodingError {
            let issue = ConfigurationError.Issue(error)
            throw ConfigurationLoader.LoadError(problems: [issue.path.isEmpty ? issue.message : "\(issue.path): \(issue.message)"])
        }
    }
}
