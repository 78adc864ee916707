import Foundation

/// A flag another thread (a SIGINT handler) raises to stop a run after the step in flight.
public final class StopSignal: @unchecked Sendable {
    // Guarded by `lock`: written by a signal-handling queue, read by the training loop.
    private var raised = false
    private let lock = NSLock()

    public init() {}

    /// Asks the run to stop.
    public func raise() {
        lock.lock()
        raised = true
        lock.unlock()
    }

    /// Whether a stop was asked for.
    var isRaised: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }
}

/// The run stopped on request after writing a checkpoint.
public struct TrainingStopped: Error, CustomStringConvertible {
    public let progress: TrainingProgress
    public var description: String {
        "stopped at epoch \(progress.epoch + 1), batch \(progress.batchInEpoch); checkpoint written, continue with --resume"
    }
}
