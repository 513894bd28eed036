public import TollgateCore

/// The list price a recorded model's cost was computed at, so a replayed answer can report usage that
/// costs what the recording says.
public struct ReplayPrice: Sendable, Hashable {
    /// The model's name as recorded.
    public var model: String
    /// USD per input token.
    public var input: USDRate
    /// USD per output token.
    public var output: USDRate
    /// Where the price is quoted.
    public var source: String

    /// Creates a price.
    /// - Parameters:
    ///   - model: The model's name as recorded.
    ///   - input: USD per input token.
    ///   - output: USD per output token.
    ///   - source: Where the price is quoted.
    public init(model: String, input: USDRate, output: USDRate, source: String) {
        self.model = model
        self.input = input
        self.output = output
        self.source = source
    }

    /// A table entry from USD per million tokens, written as exact decimals.
    private init(_ model: String, perMillion input: String, _ output: String, source: String) {
        self.init(model: model, input: USDRate(perMillion: input)!, output: USDRate(perMillion: output)!, source: source)
    }

    /// The price as the gateway's pricing sees it (standard rates only), e.g. to configure `pricing.prices`.
    public var modelPrice: ModelPrice {
        ModelPrice(model: model, mode: "chat", base: RateSet(input: input, output: output), source: "replay list prices")
    }

    /// The price of a recorded model in ``routerBench``, if listed.
    /// - Parameter model: The model's name as recorded.
    public static func routerBench(model: String) -> ReplayPrice? {
        routerBench.first { $0.model == model }
    }

    /// The early-2024 list prices of the eleven RouterBench models.
    ///
    /// Each reproduces every recorded `total_cost` of the three RouterBench train files exactly as
    /// `input tokens × input price + output tokens × output price` with whole token counts: every cost
    /// is a whole multiple of the price's smallest step (for the open models, of the one price), and
    /// least-squares prices fitted to the simulator's own token estimates land within a few per cent of
    /// these input prices.
    public static let routerBench: [ReplayPrice] = [
        // OpenAI API pricing page (openai.com/pricing), GPT-4 Turbo, January 2024.
        .init("gpt-4-1106-preview", perMillion: "10", "30", source: "OpenAI pricing, Jan 2024"),
        // OpenAI API pricing page (openai.com/pricing), gpt-3.5-turbo-1106, January 2024.
        .init("gpt-3.5-turbo-1106", perMillion: "1", "2", source: "OpenAI pricing, Jan 2024"),
        // Anthropic API pricing (anthropic.com/api), Claude 2.x, early 2024.
        .init("claude-v2", perMillion: "8", "24", source: "Anthropic pricing, early 2024"),
        // Anthropic API pricing, Claude 1.x (the same rate as Claude 2), early 2024.
        .init("claude-v1", perMillion: "8", "24", source: "Anthropic pricing, early 2024"),
        // Anthropic API pricing, Claude Instant 1.x, early 2024.
        .init("claude-instant-v1", perMillion: "0.8", "2.4", source: "Anthropic pricing, early 2024"),
        // Together AI inference pricing (together.ai/pricing), Llama-2-70b-chat, early 2024.
        .init("meta/llama-2-70b-chat", perMillion: "0.9", "0.9", source: "Together AI pricing, early 2024"),
        // Together AI inference pricing, Mixtral-8x7B-Instruct-v0.1, early 2024.
        .init("mistralai/mixtral-8x7b-chat", perMillion: "0.6", "0.6", source: "Together AI pricing, early 2024"),
        // Together AI inference pricing, Yi-34B-Chat, early 2024.
        .init("zero-one-ai/Yi-34B-Chat", perMillion: "0.8", "0.8", source: "Together AI pricing, early 2024"),
        // Together AI inference pricing, CodeLlama-34b-Instruct (its own 0.776 rate), early 2024.
        .init("meta/code-llama-instruct-34b-chat", perMillion: "0.776", "0.776", source: "Together AI pricing, early 2024"),
        // Together AI inference pricing, WizardLM-13B-V1.2, early 2024.
        .init("WizardLM/WizardLM-13B-V1.2", perMillion: "0.3", "0.3", source: "Together AI pricing, early 2024"),
        // Together AI inference pricing, Mistral-7B-Instruct, early 2024.
        .init("mistralai/mistral-7b-chat", perMillion: "0.2", "0.2", source: "Together AI pricing, early 2024"),
    ]
}
