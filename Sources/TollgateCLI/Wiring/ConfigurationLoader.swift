import Logging
import Foundation
import TollgateCore
import TollgateServer
import Yams

/// Reads a YAML configuration file: `${ENV}` interpolation, strict decoding, validation.
enum ConfigurationLoader {
    /// A configuration problem, printed as `file:line: message` or `key.path: message`.
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Loads and validates a configuration file.
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayRuntime {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "\(path): cannot read the file")
        }
        return try load(text: String(decoding: data, as: UTF8.self), origin: path, environment: environment)
    }

    /// Loads and validates configuration text.
    static func load(text: String, origin: String, environment: [String: String]) throws -> GatewayRuntime {
        let interpolated = try interpolate(text, origin: origin, environment: environment)
        let configuration: GatewayConfiguration
        do {
            configuration = try YAMLDecoder().decode(GatewayConfiguration.self, from: interpolated)
        } catch let error as DecodingError {
            throw LoadError(description: "\(origin): \(describe(error))")
        } catch {
            throw LoadError(description: "\(origin): not valid YAML: \(error)")
        }
        do {
            return try GatewayRuntime(configuration: configuration, environment: environment)
        } catch let error as ConfigurationError {
            throw LoadError(description: "\(origin): " + error.description)
        }
    }

    /// Replaces `${NAME}` and `${NAME:-default}`; an unset variable without a default is an error naming its line.
    static func interpolate(_ text: String, origin: String, environment: [String: String]) throws -> String {
        var out = ""
        var missing: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            if number > 0 { out += "\n" }
            if rest.drop(while: { $0 == " " }).hasPrefix("#") {
                out += rest
                continue
            }
            while let open = rest.range(of: "${") {
                out += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                    out += rest[open.lowerBound...]
                    rest = ""
                    break
                }
                let expression = rest[open.upperBound..<close]
                let parts = expression.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                if let value = environment[name], !value.isEmpty {
                    out += value
                } else if parts.count == 2 {
                    out += parts[1]
                } else {
                    missing.append("\(origin):\(number + 1): environment variable \(name) is not set (write ${\(name):-default} for a default)")
                }
                rest = rest[rest.index(after: close)...]
            }
            out += rest
        }
        if !missing.isEmpty { throw LoadError(description: missing.joined(separator: "\n")) }
        return out
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = CodingPathText.format(keys)
            return text.isEmpty ? "(top level)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required key is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found nothing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        default:
            "\(type)".contains("Array") ? "a list" : "a mapping (\(type))"
        }
    }
}
