import Foundation

/// Asks a run to stop: each step finishes the batch in flight, then the run returns with `cancelled`.
///
/// `@unchecked Sendable`: the only state is one flag, read and written under `lock`.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    /// A token not yet cancelled.
    public init() {}

    /// Requests the stop; safe from any thread (e.g. a SIGINT handler's dispatch source).
    public func cancel() {
        lock.withLock { flag = true }
    }

    /// Whether `cancel()` was called.
    var isCancelled: Bool { lock.withLock { flag } }
}
