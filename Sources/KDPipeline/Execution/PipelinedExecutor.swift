import Foundation

/// Runs each step of a plan on its own serial Dispatch queue, joined by bounded channels, so step k works on batch i
/// while step k-1 prepares batch i+1. Each step still sees batches strictly in order, one at a time,
/// so results equal the inline executor's.
public struct PipelinedExecutor: Sendable {
    /// Values each channel between two steps holds before the producer blocks.
    public var capacity: Int
    /// At most this many step bodies run at once (nil: no limit); a step blocked on a channel holds no
    /// thread of the budget. Keep it plus the kernels' threads within the cores.
    public var threads: Int?

    /// An executor with channels of `capacity` and at most `threads` bodies running at once.
    public init(capacity: Int = 2, threads: Int? = nil) {
        precondition(capacity >= 1, "capacity must be at least 1")
        precondition(threads.map { $0 >= 1 } ?? true, "threads must be at least 1")
        self.capacity = capacity
        self.threads = threads
    }

    /// Runs batches 0..<`batches`. On a throw, every step stops promptly and the failure names the step;
    /// on cancellation, each step finishes its batch in flight and the report says `cancelled`.
    public func run<Value: Sendable>(
        _ plan: ExecutionPlan<Value>, batches: Int,
        cancellation: CancellationToken = CancellationToken()
    ) throws(StageFailure) -> RunReport {
        let run = PipelineRun(plan: plan, capacity: capacity, threads: threads ?? plan.steps.count)
        let group = DispatchGroup()
        // Each step's loop blocks on its channels, so each gets its own serial queue (which targets
        // the overcommitting global queue: a thread of its own, not one of the cores' worker slots).
        for index in plan.steps.indices {
            DispatchQueue(label: "kdflow.stage.\(plan.steps[index].name)").async(group: group) {
                run.runStep(index, batches: batches, cancellation: cancellation)
            }
        }
        group.wait()
        if let failure = run.failure { throw failure }
        let metrics = run.metrics
        let terminal = Set(plan.terminalSteps)
        let completed = metrics.filter { terminal.contains($0.name) }.map(\.items).min() ?? 0
        return RunReport(completedBatches: completed, cancelled: completed < batches, metrics: metrics)
    }
}

/// The shared state of one pipelined run.
///
/// `@unchecked Sendable`: channels and the budget semaphore are thread-safe; `failure` and `metrics` are
/// read and written only under `lock` (each step writes its own metrics slot once, at its end).
private final class PipelineRun<Value: Sendable>: @unchecked Sendable {
    let plan: ExecutionPlan<Value>
    let inputs: [[(name: String, channel: BoundedChannel<Value>)]]  // per step, one channel per input
    let outputs: [[BoundedChannel<Value>]]  // per step, one channel per consumer
    let budget: DispatchSemaphore
    private let lock = NSLock()
    private var firstFailure: StageFailure?
    private var stepMetrics: [StageMetrics]

    init(plan: ExecutionPlan<Value>, capacity: Int, threads: Int) {
        self.plan = plan
        var outputs = Array(repeating: [BoundedChannel<Value>](), count: plan.steps.count)
        let index = Dictionary(uniqueKeysWithValues: plan.steps.enumerated().map { ($1.name, $0) })
        inputs = plan.steps.map { step in
            step.inputs.map { name in
                let channel = BoundedChannel<Value>(capacity: capacity)
                outputs[index[name]!].append(channel)
                return (name, channel)
            }
        }
        self.outputs = outputs
        budget = DispatchSemaphore(value: threads)
        stepMetrics = plan.steps.map { StageMetrics(name: $0.name) }
    }

    var failure: StageFailure? { lock.withLock { firstFailure } }
    var metrics: [StageMetrics] { lock.withLock { stepMetrics } }

    /// The step's loop: receive, run, send, until the batches are done, an input ends, or the run stops.
    func runStep(_ index: Int, batches: Int, cancellation: CancellationToken) {
        let step = plan.steps[index]
        var metrics = StageMetrics(name: step.name)
        let start = monotonicSeconds()
        batchLoop: for batch in 0..<batches {
            if cancellation.isCancelled || failure != nil { break }
            var values: [String: Value] = [:]
            var mark = monotonicSeconds()
            for (name, channel) in inputs[index] {
                guard let value = channel.receive() else { break batchLoop }
                values[name] = value
            }
            var now = monotonicSeconds()
            metrics.waitingForInput += now - mark
            mark = now
            budget.wait()
            now = monotonicSeconds()
            metrics.waitingForThread += now - mark
            mark = now
            let result: Value?
            do {
                result = try step.run(batch: batch, inputs: values)
            } catch {
                budget.signal()
                fail(StageFailure(stage: step.name, batch: batch, underlying: error))
                break
            }
            budget.signal()
            now = monotonicSeconds()
            metrics.busy += now - mark
            metrics.items += 1
            mark = now
            if let result {
                for channel in outputs[index] where !channel.send(result) { break batchLoop }
            }
            metrics.waitingForOutput += monotonicSeconds() - mark
        }
        for channel in outputs[index] { channel.close() }
        for (_, channel) in inputs[index] { channel.abandon() }
        metrics.wall = monotonicSeconds() - start
        lock.withLock { stepMetrics[index] = metrics }
    }

    /// Records the first failure and releases every blocked step.
    private func fail(_ failure: StageFailure) {
        lock.withLock { if firstFailure == nil { firstFailure = failure } }
        for channel in inputs.joined().map(\.channel) + outputs.joined() { channel.abort() }
    }
}
