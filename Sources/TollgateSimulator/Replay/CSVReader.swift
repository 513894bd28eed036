/// A strict reader of RFC 4180 comma-separated values.
///
/// Fields are separated by commas and records by line breaks (CRLF, LF or a lone CR). A field that
/// starts with a double quote is quoted: it runs to the next quote not doubled, may hold commas and
/// line breaks (kept exactly as written), and writes a quote as `""`. Anything else is an unquoted
/// field, which may not contain a quote. A UTF-8 byte order mark at the start is skipped; a line
/// break at the very end does not start another record; an empty line is a record of one empty field.
public enum CSVReader {
    /// Why a text is not valid CSV.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String
        /// The 1-based line where the problem was found (line breaks inside quoted fields count).
        public var line: Int

        /// Creates a failure.
        public init(_ reason: String, line: Int) {
            self.reason = reason
            self.line = line
        }

        /// The reason and the line, as shown to a person.
        public var description: String { "line \(line): \(reason)" }
    }

    /// Every record of `text`, each a list of its fields.
    /// - Parameter text: The whole CSV document.
    /// - Returns: The records in order (not checked for equal field counts).
    /// - Throws: ``Failure`` for a quoted field never closed, a quote inside an unquoted field, or text
    ///   right after a closing quote.
    public static func records(_ text: String) throws(Failure) -> [[String]] {
        try records(utf8: Array(text.utf8))
    }

    /// Every record of a UTF-8 document; invalid UTF-8 in a field is replaced by U+FFFD.
    /// - Parameter bytes: The whole CSV document as UTF-8.
    /// - Returns: The records in order.
    /// - Throws: ``Failure`` as ``records(_:)`` does.
    public static func records(utf8 bytes: [UInt8]) throws(Failure) -> [[String]] {
        var scanner = Scanner(bytes: bytes)
        return try scanner.all()
    }
}

extension CSVReader {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// The reader's position in the document and the record being built.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var records: [[String]] = []
        var record: [String] = []

        init(bytes: [UInt8]) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func all() throws(Failure) -> [[String]] {
            guard index < bytes.count else { return [] }
            while true {
                let field = bytes[index...].first == quote ? try quotedField() : try unquotedField()
                record.append(field)
                guard index < bytes.count else {
                    records.append(record)
                    return records
                }
                if bytes[index] == comma {
                    index += 1
                    if index == bytes.count {
                        record.append("")
                        records.append(record)
                        return records
                    }
                    continue
                }
                endLine()
                records.append(record)
                record = []
                if index == bytes.count { return records }
            }
        }

        /// Steps over one line break (CRLF, LF or CR) at `index`.
        private mutating func endLine() {
            if bytes[index] == carriageReturn, index + 1 < bytes.count, bytes[index + 1] == lineFeed {
                index += 2
            } else {
                index += 1
            }
            line += 1
        }

        /// An unquoted field: up to the next comma, line break or the end.
        private mutating func unquotedField() throws(Failure) -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == comma || byte == lineFeed || byte == carriageReturn { break }
                if byte == quote { throw Failure("a quote inside an unquoted field", line: line) }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted field, `index` on its opening quote; ends after the closing quote.
        private mutating func quotedField() throws(Failure) -> String {
            let opened = line
            index += 1
            var field: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote {
                    if index + 1 < bytes.count, bytes[index + 1] == quote {
                        field.append(quote)
                        index += 2
                        continue
                    }
                    index += 1
                    if index < bytes.count, ![comma, lineFeed, carriageReturn].contains(bytes[index]) {
                        throw Failure("text after the closing quote of a field", line: line)
                    }
                    return String(decoding: field, as: UTF8.self)
                }
                if byte == lineFeed || (byte == carriageReturn && bytes[(index + 1)...].first != lineFeed) { line += 1 }
                field.append(byte)
                index += 1
            }
            throw Failure("a quoted field opened on line \(opened) is never closed", line: line)
        }
    }
}
