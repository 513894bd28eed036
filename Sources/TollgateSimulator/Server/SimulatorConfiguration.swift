import TollgateProviders

/// How the provider simulator listens and behaves; every field has a default.
///
/// Latency and faults set here apply to every request; a request can override latency with the
/// `x-sim-ttft-ms` / `x-sim-token-ms` headers, choose a fault with `x-sim-fault` and a JSON layout
/// with `x-sim-json-style`.
public struct SimulatorConfiguration: Sendable {
    /// The host to bind.
    public var host: String
    /// The port to bind; `0` picks a free one (read it through `onServerRunning`).
    public var port: Int
    /// The delay before the response head and first stream event.
    public var timeToFirstToken: Duration
    /// The delay between streamed tokens; a non-streaming answer takes `timeToFirstToken + n * perTokenLatency`.
    public var perTokenLatency: Duration
    /// Rate-based faults for requests that name none themselves.
    public var faults: FaultPlan
    /// The `retry-after` (seconds) sent with simulated 429s; `retry-after-ms` carries the same value in ms.
    public var retryAfterSeconds: Int
    /// The embedding length when a request names no `dimensions`.
    public var embeddingDimensions: Int
    /// How many received requests `GET /_sim/requests` keeps (oldest dropped first).
    public var requestLogCapacity: Int
    /// How many prompt prefixes the prompt-cache simulation remembers.
    public var promptCacheCapacity: Int
    /// The largest request body accepted (larger ones get 413).
    public var maximumBodyBytes: Int
    /// How every JSON body and SSE `data:` payload is laid out; a request can choose its own with the
    /// `x-sim-json-style: compact|spaced` header.
    public var jsonStyle: SimulationJSONStyle
    /// Recorded answers to replay: a chat request for one of its models gets that model's recorded answer
    /// to the prompt (or a 404 when none matches); `nil` (the default) synthesises every answer.
    public var replay: RecordingSet?
    /// How replayed answers report usage (by default, usage that costs the recorded cost).
    public var replayUsage: ReplayUsageMode

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: The host to bind.
    ///   - port: The port to bind; `0` picks a free one.
    ///   - timeToFirstToken: The delay before the response head and first stream event.
    ///   - perTokenLatency: The delay between streamed tokens.
    ///   - faults: Rate-based faults for requests that name none.
    ///   - retryAfterSeconds: The `retry-after` sent with simulated 429s.
    ///   - embeddingDimensions: The default embedding length.
    ///   - requestLogCapacity: How many received requests are kept for `GET /_sim/requests`.
    ///   - promptCacheCapacity: How many prompt prefixes the cache simulation remembers.
    ///   - maximumBodyBytes: The largest request body accepted.
    ///   - jsonStyle: How JSON bodies and events are laid out (``SimulationJSONStyle/compact`` by default).
    ///   - replay: Recorded answers to replay, or `nil` to synthesise every answer.
    ///   - replayUsage: How replayed answers report usage.
    public init(
        host: String = "127.0.0.1",
        port: Int = 9090,
        timeToFirstToken: Duration = .zero,
        perTokenLatency: Duration = .zero,
        faults: FaultPlan = .none,
        retryAfterSeconds: Int = 1,
        embeddingDimensions: Int = 16,
        requestLogCapacity: Int = 100_000,
        promptCacheCapacity: Int = 10_000,
        maximumBodyBytes: Int = 32 * 1024 * 1024,
        jsonStyle: SimulationJSONStyle = .compact,
        replay: RecordingSet? = nil,
        replayUsage: ReplayUsageMode = .recordedCost
    ) {
        self.host = host
        self.port = port
        self.timeToFirstToken = timeToFirstToken
        self.perTokenLatency = perTokenLatency
        self.faults = faults
        self.retryAfterSeconds = retryAfterSeconds
        self.embeddingDimensions = embeddingDimensions
        self.requestLogCapacity = requestLogCapacity
        self.promptCacheCapacity = promptCacheCapacity
        self.maximumBodyBytes = maximumBodyBytes
        self.jsonStyle = jsonStyle
        self.replay = replay
        self.replayUsage = replayUsage
    }
}
