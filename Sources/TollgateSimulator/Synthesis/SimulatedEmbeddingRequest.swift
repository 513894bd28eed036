import TollgateCore
import TollgateProviders

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An OpenAI Embeddings request (`POST /v1/embeddings`) reduced to what the simulator needs.
///
/// `input` may be a string, an array of strings, an array of token ids or an array of token-id arrays.
/// Prompt tokens are ``TokenEstimator/tokens(in:)`` per string, or the number of token ids.
public struct SimulatedEmbeddingRequest: Sendable, Hashable {
    /// One input to embed.
    public enum Input: Sendable, Hashable {
        /// A text input.
        case text(String)
        /// Pre-tokenised input.
        case tokens([Int])
    }

    /// The requested model, echoed in the answer.
    public var model: String
    /// The inputs, in request order.
    public var inputs: [Input]
    /// The requested `dimensions`, if any.
    public var dimensions: Int?
    /// Whether `encoding_format` is `base64` (little-endian float32s) rather than `float`.
    public var base64: Bool
    /// `[[sim:...]]` directives found in text inputs.
    public var directives: SimulationDirectives

    /// The largest `dimensions` accepted.
    public static let maximumDimensions = 16_384

    /// Creates a request from its parts.
    public init(model: String, inputs: [Input], dimensions: Int? = nil, base64: Bool = false, directives: SimulationDirectives = .init()) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.base64 = base64
        self.directives = directives
    }

    /// Estimated prompt tokens of all inputs.
    public var promptTokens: Int64 {
        var total: Int64 = 0
        for input in inputs {
            switch input {
            case .text(let text): total += TokenEstimator.tokens(in: text)
            case .tokens(let ids): total += Int64(ids.count)
            }
        }
        return total
    }

    /// A hash of all inputs, used as the default fault-count key.
    public var inputHash: UInt64 {
        var hasher = FNV1a64()
        for input in inputs {
            switch input {
            case .text(let text): hasher.combine(text)
            case .tokens(let ids): for id in ids { hasher.combine(id) }
            }
            hasher.combine(byte: 0x0A)
        }
        return hasher.value
    }

    /// Parses an Embeddings request body.
    /// - Parameter json: The request body.
    /// - Throws: ``SimulationInputError`` for malformed JSON, a missing `model` or `input`, an empty input,
    ///   an unknown `encoding_format` or out-of-range `dimensions`.
    public static func parse(json: some Sequence<UInt8>) throws(SimulationInputError) -> SimulatedEmbeddingRequest {
        let body: SimulationWire.EmbeddingsBody = try SimulationWire.decode(json)
        guard let model = body.model, !model.isEmpty else {
            throw SimulationInputError("you must provide a model parameter", param: "model")
        }
        guard let input = body.input else {
            throw SimulationInputError("Missing required parameter: 'input'.", param: "input")
        }
        let inputs: [Input]
        switch input {
        case .texts(let texts): inputs = texts.map(Input.text)
        case .tokenArrays(let arrays): inputs = arrays.map(Input.tokens)
        }
        guard !inputs.isEmpty else {
            throw SimulationInputError("'$.input' is invalid. Please check the API reference.", param: "input")
        }
        if let dimensions = body.dimensions, !(1...maximumDimensions).contains(dimensions) {
            throw SimulationInputError("Invalid 'dimensions': must be between 1 and \(maximumDimensions).", param: "dimensions")
        }
        let format = body.encoding_format ?? "float"
        guard format == "float" || format == "base64" else {
            throw SimulationInputError("Invalid 'encoding_format': expected 'float' or 'base64'.", param: "encoding_format")
        }
        var directives = SimulationDirectives()
        for case .text(let text) in inputs { directives.scan(text) }
        return SimulatedEmbeddingRequest(
            model: model,
            inputs: inputs,
            dimensions: body.dimensions,
            base64: format == "base64",
            directives: directives
        )
    }

    /// The deterministic unit-length vector for one input.
    /// - Parameters:
    ///   - input: The input.
    ///   - dimensions: The vector's length.
    public static func vector(for input: Input, dimensions: Int) -> [Float] {
        var hasher = FNV1a64()
        switch input {
        case .text(let text): hasher.combine(text)
        case .tokens(let ids): for id in ids { hasher.combine(id) }
        }
        var generator = SplitMix64(seed: hasher.value)
        var vector = [Float](repeating: 0, count: dimensions)
        var norm: Float = 0
        for index in 0..<dimensions {
            let value = Float(generator.nextUnit() * 2 - 1)
            vector[index] = value
            norm += value * value
        }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 1
        for index in 0..<dimensions { vector[index] *= scale }
        return vector
    }

    /// Base64 of a vector's little-endian float32 bytes (OpenAI's `encoding_format: "base64"`).
    public static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        return Data(bytes).base64EncodedString()
    }
}

extension SimulationRenderer {
    /// An OpenAI embeddings `list` object.
    /// - Parameters:
    ///   - request: The parsed request.
    ///   - defaultDimensions: The vector length when the request names none.
    public static func embeddings(_ request: SimulatedEmbeddingRequest, defaultDimensions: Int) -> String {
        let dimensions = request.dimensions ?? max(1, defaultDimensions)
        var out = "{\"object\":\"list\",\"data\":["
        out.reserveCapacity(128 + request.inputs.count * dimensions * (request.base64 ? 6 : 12))
        for (index, input) in request.inputs.enumerated() {
            if index > 0 { out += "," }
            out += "{\"object\":\"embedding\",\"index\":\(index),\"embedding\":"
            let vector = SimulatedEmbeddingRequest.vector(for: input, dimensions: dimensions)
            if request.base64 {
                out += "\"" + SimulatedEmbeddingRequest.base64(vector) + "\""
            } else {
                out += "["
                for (position, value) in vector.enumerated() {
                    if position > 0 { out += "," }
                    out += value.description
                }
                out += "]"
            }
            out += "}"
        }
        let tokens = request.promptTokens
        out += "],\"model\":" + JSONText.quote(request.model)
        out += ",\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}}"
        return out
    }
}

extension SimulationWire {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct EmbeddingsBody: Decodable {
        enum InputValue: Decodable {
            case texts([String])
            case tokenArrays([[Int]])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self = .texts([text])
                } else if let texts = try? container.decode([String].self) {
                    self = .texts(texts)
                } else if let ids = try? container.decode([Int].self) {
                    self = .tokenArrays([ids])
                } else {
                    self = .tokenArrays(try container.decode([[Int]].self))
                }
            }
        }

        var model: String?
        var input: InputValue?
        var dimensions: Int?
        var encoding_format: String?
    }
}
