/// Why a recording file cannot be read.
public struct RecordingSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given to the loader.
    public var source: String
    /// The data row at fault (from 1), or `nil` for the file as a whole.
    public var row: Int?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(source: String, row: Int? = nil, reason: String) {
        self.source = source
        self.row = row
        self.reason = reason
    }

    /// The file, row and reason, as shown to a person.
    public var description: String {
        row.map { "\(source) row \($0): \(reason)" } ?? "\(source): \(reason)"
    }
}

extension RecordingSet {
    /// Reads one RouterBench CSV document.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - source: The file's name, kept on every prompt and used in errors.
    /// - Throws: ``RecordingSetError`` as ``add(csv:source:)`` does.
    public init(csv text: String, source: String) throws(RecordingSetError) {
        self.init()
        try add(csv: text, source: source)
    }

    /// Adds the rows of one RouterBench CSV document, after those already added.
    ///
    /// The header must name `sample_id` and `prompt`; every column `M|model_response` makes `M` a
    /// model, with its correctness in column `M` and its cost in `M|total_cost` when present.
    /// `eval_name` and `oracle_model_to_route_to` are read when present, other columns are ignored.
    /// A prompt or response cell written as a Python list of strings (`['text']`) is decoded and its
    /// elements joined with `"\n"`; any other cell is taken as written. A model with an empty response,
    /// label and cost on a row has no answer there.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - source: The file's name, kept on every prompt and used in errors.
    /// - Throws: ``RecordingSetError`` for malformed CSV, a missing column, a row with the wrong
    ///   number of fields, a list cell that does not parse, or a label or cost that is not a number.
    public mutating func add(csv text: String, source: String) throws(RecordingSetError) {
        let records: [[String]]
        do {
            records = try CSVReader.records(text)
        } catch {
            throw RecordingSetError(source: source, reason: "not valid CSV: \(error)")
        }
        guard let header = records.first else { throw RecordingSetError(source: source, reason: "the file is empty") }
        let columns = try RouterBenchColumns(header: header, source: source)
        for model in columns.models { addModel(model.name) }
        for (offset, fields) in records.dropFirst().enumerated() where fields != [""] {
            add(try columns.prompt(fields, source: source, row: offset + 1))
        }
    }
}

/// Where a RouterBench header puts each column.
struct RouterBenchColumns {
    struct Model {
        var name: String
        var response: Int
        var label: Int?
        var cost: Int?
    }

    var count: Int
    var sampleID: Int
    var prompt: Int
    var evalName: Int?
    var oracle: Int?
    var models: [Model] = []

    init(header: [String], source: String) throws(RecordingSetError) {
        var position: [String: Int] = [:]
        for (index, name) in header.enumerated() where position[name] == nil { position[name] = index }
        guard let sampleID = position["sample_id"], let prompt = position["prompt"] else {
            throw RecordingSetError(source: source, reason: "the header has no sample_id or prompt column")
        }
        count = header.count
        self.sampleID = sampleID
        self.prompt = prompt
        evalName = position["eval_name"]
        oracle = position["oracle_model_to_route_to"]
        let suffix = "|model_response"
        for name in header where name.hasSuffix(suffix) {
            let model = String(name.dropLast(suffix.count))
            guard !model.isEmpty, let response = position[name] else { continue }
            models.append(Model(name: model, response: response, label: position[model], cost: position[model + "|total_cost"]))
        }
        guard !models.isEmpty else {
            throw RecordingSetError(source: source, reason: "the header has no M|model_response column")
        }
    }

    func prompt(_ fields: [String], source: String, row: Int) throws(RecordingSetError) -> RecordedPrompt {
        guard fields.count == count else {
            throw RecordingSetError(source: source, row: row, reason: "\(fields.count) fields where the header has \(count)")
        }
        func failure(_ reason: String) -> RecordingSetError { RecordingSetError(source: source, row: row, reason: reason) }
        var answers: [String: RecordedAnswer] = [:]
        for model in models {
            let response = fields[model.response]
            let label = model.label.map { fields[$0] } ?? ""
            let cost = model.cost.map { fields[$0] } ?? ""
            if response.isEmpty, label.isEmpty, cost.isEmpty { continue }
            guard let score = Self.number(label), let costUSD = Self.number(cost) else {
                throw failure("\(model.name): the label '\(label)' or cost '\(cost)' is not a number")
            }
            if let costUSD, costUSD < 0 { throw failure("\(model.name): a negative cost") }
            let text: String
            do {
                text = try Self.text(response)
            } catch {
                throw failure("\(model.name)|model_response is not a list of strings (\(error))")
            }
            answers[model.name] = RecordedAnswer(model: model.name, response: text, score: score, costUSD: costUSD)
        }
        let text: String
        do {
            text = try Self.text(fields[prompt])
        } catch {
            throw failure("the prompt is not a list of strings (\(error))")
        }
        let oracleModel = oracle.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        return RecordedPrompt(
            sampleID: fields[sampleID],
            evalName: evalName.map { fields[$0] } ?? "",
            text: text,
            oracleModel: oracleModel,
            source: source,
            row: row,
            answers: answers
        )
    }

    /// An empty cell as `.some(nil)`, a number as itself, anything else as `nil`.
    static func number(_ cell: String) -> Double?? {
        if cell.isEmpty { return .some(nil) }
        guard let value = Double(cell), value.isFinite else { return nil }
        return .some(value)
    }

    /// A cell's text: a Python list of strings decoded and joined with `"\n"`, other text as written.
    /// - Throws: ``PythonStringList/Failure`` when the cell looks like a list (starts with `[`) but is not one.
    static func text(_ cell: String) throws(PythonStringList.Failure) -> String {
        guard RecordingSet.matchKey(cell).hasPrefix("[") else { return cell }
        return try PythonStringList.parse(cell).joined(separator: "\n")
    }
}
