/// One recorded model answer: what the model said to a prompt, whether it was right, and what it cost.
public struct RecordedAnswer: Sendable, Hashable {
    /// The model's name as recorded (`mistralai/mixtral-8x7b-chat`).
    public var model: String
    /// The raw output (the elements of a list-valued cell joined with `"\n"`).
    public var response: String
    /// The correctness score (RouterBench: `1.0` right, `0.0` wrong), or `nil` when unlabelled.
    public var score: Double?
    /// The recorded cost of the call in USD, or `nil` when the recording has none.
    public var costUSD: Double?

    /// Creates an answer.
    /// - Parameters:
    ///   - model: The model's name as recorded.
    ///   - response: The raw output.
    ///   - score: The correctness score, `nil` when unlabelled.
    ///   - costUSD: The recorded cost in USD, if any.
    public init(model: String, response: String, score: Double? = nil, costUSD: Double? = nil) {
        self.model = model
        self.response = response
        self.score = score
        self.costUSD = costUSD
    }

    /// Whether the answer was judged correct (a score of at least 0.5), or `nil` when unlabelled.
    public var correct: Bool? { score.map { $0 >= 0.5 } }

    /// The recorded cost in nano-USD, rounded to the nearest one (the gateway's unit of cost).
    public var costNanoUSD: Int64? { costUSD.map { Int64(($0 * 1e9).rounded()) } }

    /// The `x-sim-recorded-correct` value: `1`, `0` or `unlabelled`.
    public var correctnessLabel: String {
        switch correct {
        case true?: "1"
        case false?: "0"
        case nil: "unlabelled"
        }
    }
}

/// One recorded prompt (a row of a RouterBench file) and every model's answer to it.
public struct RecordedPrompt: Sendable, Hashable {
    /// The row's `sample_id`.
    public var sampleID: String
    /// The row's `eval_name` (the benchmark), empty when the file has none.
    public var evalName: String
    /// The prompt as a caller sends it: the list elements joined with `"\n"`, surrounding whitespace trimmed.
    public var text: String
    /// The cheapest model that answered correctly (`oracle_model_to_route_to`), if recorded.
    public var oracleModel: String?
    /// The file the row came from, as given to the loader.
    public var source: String
    /// The row's position among the file's data records, from 1 (the header is row 0).
    public var row: Int
    /// The answers, by recorded model name.
    public var answers: [String: RecordedAnswer]

    /// Creates a recorded prompt.
    /// - Parameters:
    ///   - sampleID: The row's `sample_id`.
    ///   - evalName: The row's benchmark name.
    ///   - text: The prompt text (trimmed by the initializer).
    ///   - oracleModel: The cheapest correct model, if recorded.
    ///   - source: The file the row came from.
    ///   - row: The row's position in the file, from 1.
    ///   - answers: The answers, by recorded model name.
    public init(
        sampleID: String,
        evalName: String = "",
        text: String,
        oracleModel: String? = nil,
        source: String = "",
        row: Int = 0,
        answers: [String: RecordedAnswer] = [:]
    ) {
        self.sampleID = sampleID
        self.evalName = evalName
        self.text = RecordingSet.matchKey(text)
        self.oracleModel = oracleModel
        self.source = source
        self.row = row
        self.answers = answers
    }
}
