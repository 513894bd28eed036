extension Outcome {
    /// Parses outcomes from CSV text (RFC 4180 quoting, a header row naming the fields of ``fieldNames``
    /// in any order; empty cells mean "not given").
    ///
    /// Errors name the 1-based line where the record starts and the column: `line 7, column quality: ...`.
    /// - Parameters:
    ///   - bytes: The file's bytes (UTF-8; a byte order mark is skipped).
    ///   - receivedAtMs: The import time, recorded as each outcome's `received_at`.
    ///   - progress: Called every `progressEvery` records with the number parsed so far.
    public static func parseCSV(
        _ bytes: [UInt8], receivedAtMs: Int64, progressEvery: Int = 100_000, progress: (Int) -> Void = { _ in }
    ) throws(OutcomeInputError) -> [Outcome] {
        var reader = CSVRecordReader(bytes: bytes)
        guard let (headerLine, header) = try reader.next() else {
            throw OutcomeInputError(location: "line 1", message: "the file is empty; expected a header row (\(fieldNames.joined(separator: ",")))")
        }
        var seen = Set<String>()
        for name in header {
            guard fieldNames.contains(name) else {
                throw OutcomeInputError(
                    location: "line \(headerLine)",
                    message: "unknown column '\(name)' in the header (expected: \(fieldNames.joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else {
                throw OutcomeInputError(location: "line \(headerLine)", message: "column '\(name)' appears twice in the header")
            }
        }
        for required in ["id", "workflow", "outcome", "status"] where !seen.contains(required) {
            throw OutcomeInputError(location: "line \(headerLine)", message: "the header has no '\(required)' column, which is required")
        }
        guard seen.contains("request_id") || seen.contains("trace_id") else {
            throw OutcomeInputError(location: "line \(headerLine)", message: "the header needs a 'request_id' or a 'trace_id' column")
        }
        var out: [Outcome] = []
        var ids: [String: Int] = [:]
        while let (line, cells) = try reader.next() {
            if cells.count == 1 && cells[0].isEmpty { continue }  // blank line
            guard cells.count == header.count else {
                throw OutcomeInputError(location: "line \(line)", message: "has \(cells.count) cells, the header has \(header.count)")
            }
            let fields = zip(header, cells).map { (name: $0, value: $1.isEmpty ? OutcomeFieldValue.null : .text($1)) }
            let outcome = try validated(fields: fields, describe: { "line \(line), column \($0)" }, textOnly: true, receivedAtMs: receivedAtMs)
            if let first = ids[outcome.id] {
                let previous = out[first]
                let differing = previous.differingFields(from: outcome)
                if !differing.isEmpty {
                    throw OutcomeInputError(
                        location: "line \(line), column id",
                        message: "outcome '\(outcome.id)' appears earlier in the file with a different \(differing.joined(separator: ", "))")
                }
            } else {
                ids[outcome.id] = out.count
            }
            out.append(outcome)
            if out.count % progressEvery == 0 { progress(out.count) }
        }
        return out
    }
}

/// Reads RFC 4180 records from bytes, reporting the line each record starts on.
struct CSVRecordReader {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// The next record and the line it starts on, or nil at the end.
    mutating func next() throws(OutcomeInputError) -> (Int, [String])? {
        guard index < bytes.count else { return nil }
        let startLine = line
        var cells: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    cell.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard cell.isEmpty && !wasQuoted else {
                    throw OutcomeInputError(
                        location: "line \(line)", message: "a quote inside an unquoted cell (quote the whole cell and double inner quotes)")
                }
                quoted = true
                wasQuoted = true
            case UInt8(ascii: ","):
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
                wasQuoted = false
            case UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "\n"):
                line += 1
                cells.append(String(decoding: cell, as: UTF8.self))
                return (startLine, cells)
            default:
                guard !wasQuoted else {
                    throw OutcomeInputError(location: "line \(line)", message: "text after a closing quote")
                }
                cell.append(byte)
            }
        }
        if quoted { throw OutcomeInputError(location: "line \(startLine)", message: "a quoted cell is never closed") }
        cells.append(String(decoding: cell, as: UTF8.self))
        return (startLine, cells)
    }
}
