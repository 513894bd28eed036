import TollgateProviders

/// How the simulator lays out the JSON it writes, so a test can check that a gateway meters any valid JSON.
///
/// The renderers always produce compact JSON; ``apply(to:)`` turns one response body or one server-sent
/// event into the chosen style without touching values.
public enum SimulationJSONStyle: String, Sendable, Hashable, CaseIterable {
    /// No whitespace at all: `{"usage":{"prompt_tokens":20}}` (what OpenAI and Anthropic send).
    case compact
    /// Python's default `json.dumps` layout: `", "` between items, `": "` after keys, and every
    /// non-ASCII character escaped as `\uXXXX` (`ensure_ascii`): `{"usage": {"prompt_tokens": 20}}`.
    case spaced

    /// Creates a style from its name (`compact` or `spaced`, any case, surrounding spaces ignored).
    /// - Parameter name: The name, as in a header or a CLI option.
    public init?(name: some StringProtocol) {
        var trimmed = Substring(name)
        while trimmed.first?.isWhitespace == true { trimmed.removeFirst() }
        while trimmed.last?.isWhitespace == true { trimmed.removeLast() }
        self.init(rawValue: trimmed.lowercased())
    }

    /// Restyles a complete JSON body, or a server-sent event (every `data:` line whose payload is a JSON
    /// object or array; `data: [DONE]`, `event:` lines and the framing stay as they are).
    /// - Parameter text: Compact JSON, or one or more complete events.
    /// - Returns: `text` itself for ``compact``, the restyled text for ``spaced``.
    public func apply(to text: String) -> String {
        guard self == .spaced else { return text }
        guard let first = text.utf8.first else { return text }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return Self.spaced(json: Substring(text))
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var firstLine = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !firstLine { out += "\n" }
            firstLine = false
            if line.hasPrefix("data: "), let payload = line.dropFirst(6).first, payload == "{" || payload == "[" {
                out += "data: "
                out += Self.spaced(json: line.dropFirst(6))
            } else {
                out += line
            }
        }
        return out
    }

    /// Re-serializes JSON text token by token with Python's default separators and ASCII-only output.
    ///
    /// Whitespace outside strings is dropped, `,` becomes `", "` and `:` becomes `": "`; string contents
    /// are copied as written (escapes included) except that each non-ASCII scalar, and DEL, becomes
    /// `\uXXXX` (a surrogate pair above U+FFFF), lowercase hex as Python writes it. The input is not
    /// validated: a truncated document is restyled as far as it goes.
    static func spaced(json: Substring) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count + json.utf8.count / 8)
        var inString = false
        var escaped = false
        for scalar in json.unicodeScalars {
            if inString {
                if escaped {
                    escaped = false
                    out.unicodeScalars.append(scalar)
                } else if scalar == "\\" {
                    escaped = true
                    out.unicodeScalars.append(scalar)
                } else if scalar == "\"" {
                    inString = false
                    out.unicodeScalars.append(scalar)
                } else if scalar.value >= 0x7F {
                    appendEscaped(scalar, to: &out)
                } else {
                    out.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                inString = true
                out += "\""
            case ",": out += ", "
            case ":": out += ": "
            case " ", "\t", "\n", "\r": break
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String) {
        if scalar.value <= 0xFFFF {
            appendUnit(UInt16(scalar.value), to: &out)
        } else {
            let value = scalar.value - 0x10000
            appendUnit(UInt16(0xD800 + (value >> 10)), to: &out)
            appendUnit(UInt16(0xDC00 + (value & 0x3FF)), to: &out)
        }
    }

    private static func appendUnit(_ unit: UInt16, to out: inout String) {
        let hex = String(unit, radix: 16)
        out += "\\u"
        out += String(repeating: "0", count: 4 - hex.count)
        out += hex
    }
}
