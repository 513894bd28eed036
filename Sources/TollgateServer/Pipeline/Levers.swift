import NIOCore
import TollgateCore
import TollgateProviders

/// A call on its way upstream: the body as it will be sent (edited only where Tollgate must act) and
/// what the levers did to it.
struct OutgoingCall: Sendable {
    /// The route called.
    let route: RouteKind
    /// What the caller's body asks for.
    let probe: RequestProbe
    /// The model that serves the call.
    var model: GatewayRuntime.ResolvedModel
    /// The routing rule's decision, when one moved the call to another model.
    var routing: RouteDecision?
    /// What a context budget did to the body, when it shrank it.
    var context: ContextApplied?
    /// The `max_tokens` the body must carry, when governance changes it.
    var maxTokens: Int?
    /// The body's bytes as they stand.
    var bytes: [UInt8]
    /// The body as received, sent when no lever edited it.
    let received: ByteBuffer
    /// Whether a lever edited the body.
    var edited = false
    /// Personal data items redacted.
    var redactions = 0
    /// What admission and the levers did, for the entry.
    var notes: [String]

    /// The body to send.
    var body: ByteBuffer { edited ? ByteBuffer(bytes: bytes) : received }
}

/// One change Tollgate may make to a call between admission and forwarding. Response caches,
/// routers, cascades and context budgets are levers too: each is switched on by configuration and
/// records on the call what it did.
protocol Lever: Sendable {
    /// Changes the outgoing call and notes what it did.
    func apply(to call: inout OutgoingCall)
}

/// The levers stage: runs the levers admission switched on for the call, in order.
enum Levers {
    /// The call as it will be forwarded.
    static func apply(_ incoming: IncomingCall, admitted: Admitted, route: RouteKind) -> OutgoingCall {
        var call = OutgoingCall(
            route: route, probe: incoming.probe, model: admitted.model, routing: admitted.route,
            maxTokens: admitted.maxTokens, bytes: incoming.bytes,
            received: incoming.body, notes: admitted.notes)
        if !admitted.redactors.isEmpty { Redaction(redactors: admitted.redactors).apply(to: &call) }
        BodyRewrite().apply(to: &call)
        return call
    }
}

/// Redacts personal data from the prompt, as the call's policies ask.
struct Redaction: Lever {
    /// The policies' redactors.
    let redactors: [PIIRedactor]

    func apply(to call: inout OutgoingCall) {
        var total = 0
        var kinds: [String: Int] = [:]
        for redactor in redactors {
            guard let (redacted, counts) = redactor.redactJSON(call.bytes) else { continue }
            call.bytes = redacted
            for (kind, count) in counts {
                kinds[kind, default: 0] += count
                total += count
            }
        }
        guard total > 0 else { return }
        call.edited = true
        call.redactions = total
        call.notes.append("redacted " + kinds.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
    }
}

/// Names the provider's model in the body and sets the `max_tokens` governance asks for; every other
/// byte is forwarded as the caller sent it.
struct BodyRewrite: Lever {
    func apply(to call: inout OutgoingCall) {
        let key = call.model.provider.configuration.kind == .openai ? "max_completion_tokens" : "max_tokens"
        if let rewritten = RequestRewrite.rewritten(
            call.bytes, route: call.route, probe: call.probe, upstreamModel: call.model.upstreamModel, maxTokens: call.maxTokens, maxTokensKey: key)
        {
            call.bytes = rewritten
            call.edited = true
        }
    }
}
