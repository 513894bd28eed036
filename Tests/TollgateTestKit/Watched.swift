import Synchronization

/// A value that handlers change and tests wait on: every change re-checks the conditions being waited
/// for, so a test wakes the moment its condition holds instead of polling for it.
public final class Watched<Value: Sendable>: Sendable {
    private struct Waiter: Sendable {
        var condition: @Sendable (Value) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State: Sendable {
        var value: Value
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    /// A watched `value`.
    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value now.
    public var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes every waiter whose condition now holds.
    @discardableResult
    public func update<Result>(_ change: (inout Value) -> Result) -> Result {
        let (result, due) = state.withLock { s -> (Result, [CheckedContinuation<Void, Never>]) in
            let result = change(&s.value)
            let value = s.value
            let ready = s.waiters.filter { $0.value.condition(value) }
            for id in ready.keys { s.waiters.removeValue(forKey: id) }
            return (result, ready.values.map(\.continuation))
        }
        for continuation in due { continuation.resume() }
        return result
    }

    /// Waits until `condition` holds, for at most `bound`; whether it held.
    public func wait(within bound: Duration, until condition: @escaping @Sendable (Value) -> Bool) async -> Bool {
        _ = await completes(within: bound) { await self.suspend(until: condition) }
        return condition(value)
    }

    /// Suspends until `condition` holds or the task is cancelled.
    private func suspend(until condition: @escaping @Sendable (Value) -> Bool) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if condition(s.value) || Task.isCancelled { return true }
                    s.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }
}

extension Watched where Value == Bool {
    /// Sets the flag.
    public func set() { update { $0 = true } }

    /// Whether the flag is set.
    public var isSet: Bool { value }
}

/// Runs `operation` for at most `bound`; whether it finished first. When the bound comes first the
/// operation is cancelled (it must return promptly when it is).
public func completes(within bound: Duration, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await operation()
            return true
        }
        group.addTask {
            try? await Task.sleep(for: bound)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
}
