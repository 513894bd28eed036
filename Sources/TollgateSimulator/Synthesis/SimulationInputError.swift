import TollgateProviders

/// A request the simulator refuses as malformed; the server answers it with HTTP 400 in the route's dialect.
public struct SimulationInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, phrased for the client.
    public var message: String
    /// The offending request parameter, if known (OpenAI's `param`).
    public var param: String?

    /// Creates an input error.
    /// - Parameters:
    ///   - message: What is wrong, phrased for the client.
    ///   - param: The offending request parameter, if known.
    public init(_ message: String, param: String? = nil) {
        self.message = message
        self.param = param
    }

    /// The message, as shown in logs.
    public var description: String { message }
}
