import HTTPTypes
import Hummingbird
import NIOCore
import TollgateCore
import TollgateProviders

/// A request read and understood: its body, what it asks for, and the model that serves it.
struct IncomingCall: Sendable {
    /// The body as received.
    var body: ByteBuffer
    /// The body's bytes.
    var bytes: [UInt8]
    /// What the body asks for (model, stream, limits, estimated input).
    var probe: RequestProbe
    /// The configured model the caller named.
    var model: GatewayRuntime.ResolvedModel
    /// The headers the caller sent.
    var headers: HTTPFields

    /// The client's own retry count (`x-stainless-retry-count`), if it sent one.
    var clientRetryCount: Int? { headers[.stainlessRetryCount].flatMap { Int($0) } }
}

/// The intake stage: reads the body within its limit and checks it names a model this route can serve.
struct Intake: Sendable {
    /// The largest request body accepted.
    let maxBodyBytes: Int
    /// Models by every name and alias.
    let models: [String: GatewayRuntime.ResolvedModel]
    /// Providers with an upstream client.
    let providers: Set<String>

    /// Reads and probes the request.
    /// - Throws: ``GatewayError`` 415, 413, 400, 404 or 501 in the caller's dialect. An answer before the body is
    ///   read reads at most a small body first, so the connection stays usable.
    func read(_ request: inout Request, call: CallContext) async throws(GatewayError) -> IncomingCall {
        let dialect = call.dialect
        guard Gateway.isJSON(request.headers[.contentType]) else {
            await Gateway.discard(&request)
            throw GatewayError(
                dialect: dialect, RequestError(.unsupportedMediaType, "Content-Type must be application/json."))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await Gateway.collect(&request, limit: maxBodyBytes)
        } catch {
            throw GatewayError(dialect: dialect, error)
        }
        let bytes = [UInt8](buffer.readableBytesView)
        let probe: RequestProbe
        do {
            probe = try call.route.probe(bytes: bytes)
        } catch {
            throw GatewayError(dialect: dialect, error)
        }
        return IncomingCall(body: buffer, bytes: bytes, probe: probe, model: try resolve(probe.model, dialect: dialect), headers: request.headers)
    }

    /// The configured model a name stands for, when this route can serve it.
    func resolve(_ name: String, dialect: Dialect) throws(GatewayError) -> GatewayRuntime.ResolvedModel {
        guard let model = models[name] else {
            throw GatewayError(
                dialect: dialect,
                RequestError(.modelNotFound, "The model '\(name)' does not exist or is not configured on this gateway.", param: "model"))
        }
        guard serves(model, dialect: dialect) else {
            throw GatewayError(
                dialect: dialect,
                RequestError(
                    .wrongRoute, "The model '\(name)' is served by a \(model.provider.dialect.rawValue) provider; call it on its own route.",
                    param: "model"))
        }
        return model
    }

    /// Whether a model can serve a call in this dialect (its provider speaks it and has a client).
    func serves(_ model: GatewayRuntime.ResolvedModel, dialect: Dialect) -> Bool {
        model.provider.dialect == dialect && providers.contains(model.provider.configuration.name)
    }
}
