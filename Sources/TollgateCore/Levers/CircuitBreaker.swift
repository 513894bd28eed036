/// One provider's circuit breaker, as a value: closed (calls go through; failures are counted), open
/// (calls are not sent until the cool-down ends), half-open (one probe call is let through; its
/// success closes the circuit, its failure opens it again). Time is passed in, so it is pure.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the circuit stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Calls go through.
        case closed
        /// Calls are not sent.
        case open
        /// One probe call is out; the others wait for its answer as if the circuit were open.
        case halfOpen = "half_open"

        /// The state as a gauge value: 0 closed, 1 half-open, 2 open.
        public var gauge: Int { self == .closed ? 0 : self == .halfOpen ? 1 : 2 }
    }

    /// What the breaker says about sending a call now.
    public enum Permission: Sendable, Hashable {
        /// Send it.
        case send
        /// Send it as the probe of a half-open circuit.
        case probe
        /// Do not send it; the circuit may let a probe through this many milliseconds from now.
        case refuse(retryAfterMs: Int64)
    }

    /// The settings.
    public let settings: CircuitBreakerSettings
    /// Where the circuit stands.
    public private(set) var state: State = .closed
    /// When recent failures happened (milliseconds), oldest first, while closed.
    private var failures: [Int64] = []
    /// When the circuit opened.
    public private(set) var openedAtMs: Int64?
    /// Whether a probe is out.
    private var probing = false

    /// A closed circuit.
    public init(settings: CircuitBreakerSettings) {
        self.settings = settings
    }

    /// Whether a call may be sent at `nowMs`; the first call after the cool-down becomes the probe.
    public mutating func permission(nowMs: Int64) -> Permission {
        switch state {
        case .closed:
            return .send
        case .open:
            let reopens = (openedAtMs ?? nowMs) + settings.cooldown.milliseconds
            guard nowMs >= reopens else { return .refuse(retryAfterMs: reopens - nowMs) }
            state = .halfOpen
            probing = true
            return .probe
        case .halfOpen:
            return probing ? .refuse(retryAfterMs: settings.cooldown.milliseconds) : .probe
        }
    }

    /// Records how a sent call ended; returns the new state when it changed.
    @discardableResult
    public mutating func record(success: Bool, nowMs: Int64) -> State? {
        let before = state
        if success {
            failures.removeAll()
            state = .closed
            openedAtMs = nil
            probing = false
        } else if state == .halfOpen {
            open(at: nowMs)
        } else if state == .closed {
            failures.append(nowMs)
            let since = nowMs - settings.window.milliseconds
            failures.removeAll { $0 <= since }
            if failures.count >= settings.failures { open(at: nowMs) }
        }
        return state == before ? nil : state
    }

    private mutating func open(at nowMs: Int64) {
        state = .open
        openedAtMs = nowMs
        failures.removeAll()
        probing = false
    }
}
