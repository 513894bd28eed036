import TollgateCore

/// Synthetic router training data with a known answer.
enum RouterFixtures {
    static let vocabulary = [
        "apple", "river", "stone", "cloud", "lamp", "tree", "music", "glass", "paper", "road", "window", "garden", "silver", "orange", "bridge",
        "candle", "forest", "hammer", "island", "jacket", "kettle", "ladder", "mirror", "needle", "ocean", "pencil", "quilt", "rocket",
    ]

    /// `count` prompts of eight random words, about half of them with the word `zebra`. `cheap` ($0.001) is
    /// right exactly on the zebra prompts, `strong` ($0.02) on every prompt, and `coin` ($0.005, when asked for)
    /// on a random 60%.
    static func zebra(count: Int = 240, seed: UInt64 = 7, coin: Bool = false) -> [RouterExample] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            var words = (0..<8).map { _ in vocabulary[random.below(vocabulary.count)] }
            let zebra = random.nextUnit() < 0.5
            if zebra { words.insert("zebra", at: random.below(words.count + 1)) }
            var outcomes = [
                "cheap": RouterExample.Outcome(correct: zebra, costUSD: 0.001),
                "strong": RouterExample.Outcome(correct: true, costUSD: 0.02),
            ]
            if coin { outcomes["coin"] = RouterExample.Outcome(correct: random.nextUnit() < 0.6, costUSD: 0.005) }
            return RouterExample(sampleID: "s\(i)", text: words.joined(separator: " "), outcomes: outcomes)
        }
    }

    /// The fingerprint of the router trained on `zebra(coin: true)` with ``options``: the same on every machine.
    static let pinnedFingerprint = "sha256:c907ef4b5adb0c27745fc72c3f59cdd093828a25b96d08e1cd496c3700732b16"

    /// A prompt of words not seen in training, with or without `zebra`.
    static func unseenPrompt(zebra: Bool) -> String {
        zebra ? "Please tell me about the zebra in the meadow" : "Please tell me about the horse in the meadow"
    }

    /// Fast options for tests: 2^16 buckets (no collisions among the fixture words), a stronger L2, 100 iterations.
    static let options = RouterTrainingOptions(features: RouterFeatureSettings(bucketBits: 16), l2: 1e-3, maxIterations: 100)

    /// A hand-made router with two models and only intercepts (P = sigmoid(bias)).
    static func handMade(cheapBias: Double = 0, strongBias: Double = 2, threshold: Double = 0.6) throws -> LearnedRouter {
        try LearnedRouter(
            features: RouterFeatureSettings(bucketBits: 10),
            models: [
                .init(name: "strong", meanCostUSD: 0.02, accuracy: 0.9, rows: 10, bias: strongBias, weights: RouterWeights()),
                .init(name: "cheap", meanCostUSD: 0.001, accuracy: 0.5, rows: 10, bias: cheapBias, weights: RouterWeights([3: 0.5, 1_025: -0.25])),
            ],
            threshold: threshold)
    }
}
