import Dispatch

/// How one step spent its time during a run.
public struct StageMetrics: Sendable, CustomStringConvertible {
    /// The step's name.
    public var name: String
    /// Batches it processed.
    public var items: Int = 0
    /// Seconds inside the step's body.
    public var busy: Double = 0
    /// Seconds blocked waiting for an input value.
    public var waitingForInput: Double = 0
    /// Seconds blocked because a consumer's channel was full (backpressure).
    public var waitingForOutput: Double = 0
    /// Seconds waiting for a thread of the executor's budget.
    var waitingForThread: Double = 0
    /// Seconds from the step's start to its end.
    var wall: Double = 0

    /// Batches per second of wall time.
    public var itemsPerSecond: Double { wall > 0 ? Double(items) / wall : 0 }

    /// A stage's metrics, all zero.
    public init(name: String) {
        self.name = name
    }

    public var description: String {
        func ms(_ seconds: Double) -> String { String(Int((seconds * 1000).rounded())) + " ms" }
        return "\(name): \(items) items, \(String(Int(itemsPerSecond.rounded()))) items/s, busy \(ms(busy)), "
            + "input wait \(ms(waitingForInput)), output wait \(ms(waitingForOutput)), thread wait \(ms(waitingForThread))"
    }
}

/// The outcome of a run that did not fail.
public struct RunReport: Sendable {
    /// Batches every terminal step processed.
    var completedBatches: Int
    /// True when the run stopped early because its cancellation token was cancelled.
    public var cancelled: Bool
    /// One entry per step, in plan order.
    public var metrics: [StageMetrics]
}

/// A step threw: the run stopped, and this names the step and the batch.
public struct StageFailure: Error, CustomStringConvertible {
    /// The failing step.
    public var stage: String
    /// The batch it was processing.
    public var batch: Int
    /// What it threw.
    public var underlying: any Error

    public var description: String { "stage '\(stage)' failed on batch \(batch): \(underlying)" }
}

/// Seconds since an arbitrary start, monotonic.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}
