/// Runs a plan on the calling thread, batch by batch, step by step in plan order: the deterministic
/// reference the pipelined executor must match.
public struct InlineExecutor: Sendable {
    /// An inline executor.
    public init() {}

    /// Runs batches 0..<`batches`; stops between batches once `cancellation` is cancelled.
    public func run<Value: Sendable>(
        _ plan: ExecutionPlan<Value>, batches: Int,
        cancellation: CancellationToken = CancellationToken()
    ) throws(StageFailure) -> RunReport {
        var metrics = plan.steps.map { StageMetrics(name: $0.name) }
        let start = monotonicSeconds()
        var completed = 0
        for batch in 0..<batches {
            if cancellation.isCancelled { break }
            var values: [String: Value] = [:]
            for (index, step) in plan.steps.enumerated() {
                var inputs: [String: Value] = [:]
                for name in step.inputs { inputs[name] = values[name] }
                let begin = monotonicSeconds()
                do {
                    values[step.name] = try step.run(batch: batch, inputs: inputs)
                } catch {
                    throw StageFailure(stage: step.name, batch: batch, underlying: error)
                }
                metrics[index].busy += monotonicSeconds() - begin
                metrics[index].items += 1
            }
            completed += 1
        }
        let wall = monotonicSeconds() - start
        for index in metrics.indices { metrics[index].wall = wall }
        return RunReport(completedBatches: completed, cancelled: completed < batches, metrics: metrics)
    }
}
