/// Reads a Python list of string literals, as `repr(list_of_str)` writes it: `['a', "b's"]`.
///
/// Each element is a single- or double-quoted literal, optionally prefixed `u`, with Python's escapes:
/// `\\`, `\'`, `\"`, `\a`, `\b`, `\f`, `\n`, `\r`, `\t`, `\v`, octal `\ooo`, `\xhh`, `\uXXXX`,
/// `\UXXXXXXXX` and a backslash-newline continuation; an unknown escape keeps its backslash, as Python
/// does. Adjacent literals are concatenated, and a trailing comma is allowed. Raw, byte and
/// triple-quoted literals, and `\N{...}` named escapes, are refused.
public enum PythonStringList {
    /// Why a text is not a list of string literals.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String
        /// The 0-based offset, in Unicode scalars, where the problem was found.
        public var offset: Int

        /// Creates a failure.
        public init(_ reason: String, offset: Int) {
            self.reason = reason
            self.offset = offset
        }

        /// The reason and the offset, as shown to a person.
        public var description: String { "at \(offset): \(reason)" }
    }

    /// The elements of the list literal `text` (surrounding whitespace allowed).
    /// - Parameter text: A literal such as `['question text']`.
    /// - Returns: The decoded strings, in order.
    /// - Throws: ``Failure`` when `text` is not a list of string literals.
    public static func parse(_ text: String) throws(Failure) -> [String] {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        return try parser.list()
    }
}

extension PythonStringList {
    fileprivate struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func list() throws(Failure) -> [String] {
            skipSpace()
            try expect("[")
            var elements: [String] = []
            while true {
                skipSpace()
                if current == "]" { break }
                elements.append(try concatenatedLiteral())
                skipSpace()
                if current == "," {
                    index += 1
                    continue
                }
                if current != "]" { throw Failure("expected ',' or ']'", offset: index) }
            }
            index += 1
            skipSpace()
            guard current == nil else { throw Failure("text after the closing ']'", offset: index) }
            return elements
        }

        private mutating func skipSpace() {
            while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { index += 1 }
        }

        private mutating func expect(_ scalar: Unicode.Scalar) throws(Failure) {
            guard current == scalar else { throw Failure("expected '\(scalar)'", offset: index) }
            index += 1
        }

        /// One or more adjacent string literals, joined.
        private mutating func concatenatedLiteral() throws(Failure) -> String {
            var text = try literal()
            while true {
                let mark = index
                skipSpace()
                guard let scalar = current, scalar == "'" || scalar == "\"" || scalar == "u" || scalar == "U" else {
                    index = mark
                    return text
                }
                text += try literal()
            }
        }

        /// One string literal, `index` on its prefix or opening quote.
        private mutating func literal() throws(Failure) -> String {
            if current == "u" || current == "U" { index += 1 }
            guard let quote = current, quote == "'" || quote == "\"" else {
                throw Failure("expected a string literal", offset: index)
            }
            if index + 2 < scalars.count, scalars[index + 1] == quote, scalars[index + 2] == quote {
                throw Failure("triple-quoted strings are not supported", offset: index)
            }
            let opened = index
            index += 1
            var out = String.UnicodeScalarView()
            while let scalar = current {
                index += 1
                if scalar == quote { return String(out) }
                if scalar == "\\" {
                    try escape(into: &out)
                } else if scalar == "\n" {
                    throw Failure("a line break inside a string literal", offset: index - 1)
                } else {
                    out.append(scalar)
                }
            }
            throw Failure("a string literal is never closed", offset: opened)
        }
    }
}

extension PythonStringList.Parser {
    /// Decodes the escape after a backslash (already consumed) into `out`.
    fileprivate mutating func escape(into out: inout String.UnicodeScalarView) throws(PythonStringList.Failure) {
        guard let scalar = current else { throw .init("a backslash at the end of the text", offset: index) }
        index += 1
        switch scalar {
        case "\n": return
        case "\\", "'", "\"": out.append(scalar)
        case "a": out.append("\u{07}")
        case "b": out.append("\u{08}")
        case "f": out.append("\u{0C}")
        case "n": out.append("\n")
        case "r": out.append("\r")
        case "t": out.append("\t")
        case "v": out.append("\u{0B}")
        case "x": out.append(try hexScalar(digits: 2))
        case "u": out.append(try hexScalar(digits: 4))
        case "U": out.append(try hexScalar(digits: 8))
        case "N": throw .init("named escapes (\\N{...}) are not supported", offset: index - 2)
        case "0"..."7":
            var value = scalar.value - 0x30
            var digits = 1
            while digits < 3, let next = current, ("0"..."7").contains(next) {
                value = value * 8 + next.value - 0x30
                index += 1
                digits += 1
            }
            guard let decoded = Unicode.Scalar(value) else { throw .init("an octal escape out of range", offset: index) }
            out.append(decoded)
        default:
            out.append("\\")
            out.append(scalar)
        }
    }

    /// Exactly `digits` hexadecimal digits as one scalar.
    private mutating func hexScalar(digits: Int) throws(PythonStringList.Failure) -> Unicode.Scalar {
        let start = index - 2
        guard index + digits <= scalars.count else { throw .init("a truncated hexadecimal escape", offset: start) }
        var value: UInt32 = 0
        for scalar in scalars[index..<(index + digits)] {
            guard let digit = Self.hexValue(scalar) else { throw .init("a malformed hexadecimal escape", offset: start) }
            value = value * 16 + digit
        }
        index += digits
        guard let decoded = Unicode.Scalar(value) else { throw .init("an escape that is not a Unicode scalar", offset: start) }
        return decoded
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x57
        case "A"..."F": scalar.value - 0x37
        default: nil
        }
    }
}
