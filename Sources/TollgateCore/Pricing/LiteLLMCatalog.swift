/// Reads LiteLLM's `model_prices_and_context_window.json` (or Tollgate's filtered copy of
/// it, `default-prices.json`) into ``ModelPrice`` values, keeping every price exactly as
/// written in the JSON text.
///
/// Mapped keys (everything else, including `_priority`, `_flex`, 12-hour cache writes and
/// non-token units, is ignored):
///
/// | LiteLLM key | ``RateSet`` field |
/// | --- | --- |
/// | `input_cost_per_token` | `input` |
/// | `output_cost_per_token` | `output` |
/// | `cache_read_input_token_cost` | `cacheRead` |
/// | `cache_creation_input_token_cost` | `cacheWrite` |
/// | `cache_creation_input_token_cost_above_1hr` | `cacheWrite1h` |
/// | `output_cost_per_reasoning_token` | `reasoning` |
///
/// Each key's `_batches` twin goes to ``ModelPrice/batch``; `<key>_above_{N}k_tokens` (and
/// its `_batches` twin) to the ``ThresholdTier`` of N × 1000 tokens, inclusive for the `xai`
/// provider. `tiered_pricing` becomes ``ModelPrice/tiered``. Top-level keys starting with
/// `_` and `sample_spec` are skipped, as are entries whose `mode` is not in `modes`.
public enum LiteLLMCatalog {
    /// Provenance recorded in the `_tollgate` object of Tollgate's default catalog.
    public struct Provenance: Sendable, Hashable {
        /// The source name, e.g. `"litellm 1.109.1 snapshot"`.
        public var source: String
        /// The SHA-256 (hex) of the source file the catalog was built from.
        public var sha256: String

        /// Creates a provenance record.
        public init(source: String, sha256: String) {
            self.source = source
            self.sha256 = sha256
        }

        /// A catalog version label: `"<source> sha256:<first 12 hex digits>"`.
        public var versionLabel: String { "\(source) sha256:\(sha256.prefix(12))" }
    }

    /// Parses a LiteLLM price JSON document.
    ///
    /// - Parameters:
    ///   - jsonBytes: the UTF-8 JSON text.
    ///   - effectiveFrom: the unix time (seconds) from which these prices are in force.
    ///   - modes: the LiteLLM modes to keep (entries without a `mode` are skipped).
    /// - Returns: one ``ModelPrice`` per kept entry, in document order.
    /// - Throws: ``PricingError`` naming the model key and field when the JSON is malformed
    ///   or a mapped field is not a non-negative exact decimal.
    public static func parse(
        _ jsonBytes: some Collection<UInt8>,
        effectiveFrom: Int64,
        modes: Set<String> = ["chat", "embedding"]
    ) throws -> [ModelPrice] {
        guard case .object(let root) = try JSONTextReader.parse(Array(jsonBytes)) else {
            throw PricingError.invalidField("the catalog's top level is not a JSON object")
        }
        var prices: [ModelPrice] = []
        for (key, value) in root.members {
            if key == "sample_spec" || key.hasPrefix("_") { continue }
            guard case .object(let entry) = value,
                case .string(let mode) = entry["mode"], modes.contains(mode)
            else { continue }
            prices.append(try modelPrice(model: key, mode: mode, entry: entry, effectiveFrom: effectiveFrom))
        }
        return prices
    }

    /// Reads the `_tollgate` provenance object of a default catalog, or nil when absent.
    public static func provenance(_ jsonBytes: some Collection<UInt8>) throws -> Provenance? {
        guard case .object(let root) = try JSONTextReader.parse(Array(jsonBytes)),
            case .object(let meta) = root["_tollgate"],
            case .string(let source) = meta["source"],
            case .string(let sha256) = meta["sha256"]
        else { return nil }
        return Provenance(source: source, sha256: sha256)
    }

    // MARK: - Entry mapping

    private static func modelPrice(model: String, mode: String, entry: JSONObject, effectiveFrom: Int64) throws -> ModelPrice {
        var provider: String?
        if case .string(let text) = entry["litellm_provider"] { provider = text }
        var price = ModelPrice(model: model, provider: provider, mode: mode, effectiveFrom: effectiveFrom)
        price.maxInputTokens = try tokenCount(entry["max_input_tokens"], model: model, field: "max_input_tokens")
        price.maxOutputTokens = try tokenCount(entry["max_output_tokens"], model: model, field: "max_output_tokens")
        if case .bool(let tools) = entry["supports_function_calling"] { price.supportsTools = tools }
        if case .bool(let vision) = entry["supports_vision"] { price.supportsVision = vision }

        var tiers: [Int64: ThresholdTier] = [:]
        for (field, value) in entry.members {
            guard let target = rateKey(field), let rate = try rate(value, model: model, field: field) else { continue }
            if let threshold = target.threshold {
                var tier = tiers[threshold] ?? ThresholdTier(tokens: threshold, inclusive: provider == "xai", rates: RateSet())
                if target.batch { tier.batch[target.kind] = rate } else { tier.rates[target.kind] = rate }
                tiers[threshold] = tier
            } else if target.batch {
                price.batch[target.kind] = rate
            } else {
                price.base[target.kind] = rate
            }
        }
        price.thresholds = tiers.values.sorted { $0.tokens < $1.tokens }

        if let tiered = entry["tiered_pricing"] {
            price.tiered = try bands(tiered, model: model)
        }
        return price
    }

    /// What a mapped key names: a rate kind, whether it is a `_batches` twin, and its
    /// threshold in tokens (nil for base keys).
    private struct RateKey {
        var kind: RateKind
        var batch: Bool
        var threshold: Int64?
    }

    private static let kindsByKey: [String: RateKind] = Dictionary(
        uniqueKeysWithValues: RateKind.allCases.map { ($0.liteLLMKey, $0) }
    )

    /// Decodes `<base>[_above_{N}k_tokens][_batches]`, or nil for any other key.
    private static func rateKey(_ field: String) -> RateKey? {
        var name = Substring(field)
        var batch = false
        if name.hasSuffix("_batches") {
            batch = true
            name = name.dropLast("_batches".count)
        }
        if let kind = kindsByKey[String(name)] {
            return RateKey(kind: kind, batch: batch, threshold: nil)
        }
        guard name.hasSuffix("k_tokens"), let above = name.ranges(of: "_above_").last else { return nil }
        let digits = name[above.upperBound..<name.index(name.endIndex, offsetBy: -"k_tokens".count)]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let thousands = Int64(digits),
            case (let tokens, false) = thousands.multipliedReportingOverflow(by: 1000),
            let kind = kindsByKey[String(name[..<above.lowerBound])]
        else { return nil }
        return RateKey(kind: kind, batch: batch, threshold: tokens)
    }

    private static func rate(_ value: JSONValue, model: String, field: String) throws -> USDRate? {
        switch value {
        case .null:
            return nil
        case .number(let text):
            guard let rate = USDRate(perToken: text) else {
                throw PricingError.invalidField(
                    "model '\(model)', field '\(field)': \(text) is not a non-negative USD price with at most \(USDRate.maxParsedFractionalDigits) fractional digits"
                )
            }
            return rate
        default:
            throw PricingError.invalidField("model '\(model)', field '\(field)': expected a number, got \(value.typeName)")
        }
    }

    private static func tokenCount(_ value: JSONValue?, model: String, field: String) throws -> Int64? {
        switch value {
        case nil, .null?:
            return nil
        case .number(let text)?:
            guard let count = ExactDecimal.scaled(text, fractionalDigits: 0), count >= 0, count <= Int128(Int64.max) else {
                throw PricingError.invalidField("model '\(model)', field '\(field)': \(text) is not a whole token count")
            }
            return Int64(count)
        case let other?:
            throw PricingError.invalidField("model '\(model)', field '\(field)': expected a number, got \(other.typeName)")
        }
    }

    private static func bands(_ value: JSONValue, model: String) throws -> [PriceBand] {
        guard case .array(let elements) = value else {
            throw PricingError.invalidField("model '\(model)', field 'tiered_pricing': expected an array, got \(value.typeName)")
        }
        var bands: [PriceBand] = []
        for (position, element) in elements.enumerated() {
            let field = "tiered_pricing[\(position)]"
            guard case .object(let band) = element else {
                throw PricingError.invalidField("model '\(model)', field '\(field)': expected an object, got \(element.typeName)")
            }
            // Bands over something other than prompt tokens (e.g. `max_results_range`) are not token prices.
            guard let range = band["range"] else { continue }
            guard case .array(let bounds) = range, bounds.count == 2,
                let lower = try tokenCount(bounds[0], model: model, field: "\(field).range[0]"),
                let upper = try tokenCount(bounds[1], model: model, field: "\(field).range[1]"),
                lower <= upper
            else {
                throw PricingError.invalidField("model '\(model)', field '\(field).range': expected [lower, upper] token counts")
            }
            var rates = RateSet()
            for kind in RateKind.allCases {
                if let member = band[kind.liteLLMKey] {
                    rates[kind] = try rate(member, model: model, field: "\(field).\(kind.liteLLMKey)")
                }
            }
            bands.append(PriceBand(lowerTokens: lower, upperTokens: upper, rates: rates))
        }
        return bands
    }
}
