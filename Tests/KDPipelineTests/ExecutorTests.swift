import Foundation
@testable import KDPipeline
import Testing

/// Order-dependent state shared by a test's stages.
///
/// `@unchecked Sendable`: every field is guarded by `lock`.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: [Int]] = [:]
    private var counters: [String: Int] = [:]

    func append(_ value: Int, to key: String) { lock.withLock { values[key, default: []].append(value) } }
    func values(_ key: String) -> [Int] { lock.withLock { values[key] ?? [] } }
    /// Adds `delta` to a counter and returns the new value.
    @discardableResult func add(_ delta: Int, to key: String) -> Int {
        lock.withLock {
            counters[key, default: 0] += delta
            return counters[key]!
        }
    }
    func counter(_ key: String) -> Int { lock.withLock { counters[key] ?? 0 } }
}

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

@Suite struct ExecutorTests {
    /// source → running (stateful) ─┬─► mix ─► sink
    ///        └─────────────────────┘
    private func statefulPlan(_ recorder: Recorder, delay: Double = 0) -> ExecutionPlan<Int> {
        var plan = ExecutionPlan<Int>()
        plan.addSource("source") { batch in batch * 7 + 1 }
        plan.addStage("running", inputs: ["source"]) { _, inputs in
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            let state = recorder.add(inputs["source"]!, to: "sum")
            return state &* 31 &+ inputs["source"]!
        }
        plan.addStage("mix", inputs: ["source", "running"]) { batch, inputs in
            let source = inputs["source"]!, running = inputs["running"]!
            return source &* 1_000_003 ^ running &+ batch
        }
        plan.addSink("sink", inputs: ["mix"]) { _, inputs in recorder.append(inputs["mix"]!, to: "out") }
        return plan
    }

    @Test func pipelinedEqualsInlineOnAStatefulChain() throws {
        let inline = Recorder(), pipelined = Recorder(), budgeted = Recorder()
        let inlineReport = try InlineExecutor().run(statefulPlan(inline), batches: 200)
        let pipelinedReport = try PipelinedExecutor(capacity: 2).run(statefulPlan(pipelined), batches: 200)
        _ = try PipelinedExecutor(capacity: 1, threads: 1).run(statefulPlan(budgeted), batches: 200)
        #expect(inline.values("out").count == 200)
        #expect(pipelined.values("out") == inline.values("out"))
        #expect(budgeted.values("out") == inline.values("out"))
        #expect(inlineReport.completedBatches == 200 && !inlineReport.cancelled)
        #expect(pipelinedReport.completedBatches == 200 && !pipelinedReport.cancelled)
    }

    @Test func threadBudgetBoundsConcurrentBodies() throws {
        let recorder = Recorder()
        var plan = ExecutionPlan<Int>()
        @Sendable func body(_ value: Int) -> Int {
            let running = recorder.add(1, to: "running")
            recorder.append(running, to: "peaks")
            Thread.sleep(forTimeInterval: 0.001)
            recorder.add(-1, to: "running")
            return value
        }
        plan.addSource("a") { body($0) }
        plan.addStage("b", inputs: ["a"]) { body($1["a"]!) }
        plan.addStage("c", inputs: ["b"]) { body($1["b"]!) }
        _ = try PipelinedExecutor(capacity: 2, threads: 1).run(plan, batches: 30)
        #expect(recorder.values("peaks").max() == 1)
    }

    @Test func failureInAMiddleStageStopsEveryStageAndNamesIt() {
        let recorder = Recorder()
        var plan = ExecutionPlan<Int>()
        plan.addSource("source") { batch in
            recorder.add(1, to: "produced")
            return batch
        }
        plan.addStage("middle", inputs: ["source"]) { batch, inputs in
            if batch == 5 { throw Boom() }
            return inputs["source"]!
        }
        plan.addSink("sink", inputs: ["middle"]) { _, _ in
            Thread.sleep(forTimeInterval: 0.01)
            recorder.add(1, to: "consumed")
        }
        #expect {
            try PipelinedExecutor(capacity: 2).run(plan, batches: 100_000)
        } throws: { error in
            guard let failure = error as? StageFailure else { return false }
            return failure.stage == "middle" && failure.batch == 5
                && failure.description == "stage 'middle' failed on batch 5: boom"
        }
        // Stopped promptly, by events: no batch past the failure reached the sink, and the source
        // stopped within what the channels hold.
        #expect(recorder.counter("consumed") <= 5)
        #expect(recorder.counter("produced") < 20)
        #expect(throws: StageFailure.self) { try InlineExecutor().run(plan, batches: 10) }
    }

    @Test func cancellationStopsAfterTheItemInFlight() throws {
        for executor in ["inline", "pipelined"] {
            let recorder = Recorder()
            let token = CancellationToken()
            var plan = ExecutionPlan<Int>()
            plan.addSource("source") { $0 }
            plan.addStage("double", inputs: ["source"]) { $1["source"]! * 2 }
            plan.addSink("sink", inputs: ["double"]) { batch, inputs in
                recorder.append(inputs["double"]!, to: "out")
                if batch == 3 { token.cancel() }
            }
            let report =
                executor == "inline"
                ? try InlineExecutor().run(plan, batches: 1000, cancellation: token)
                : try PipelinedExecutor(capacity: 2).run(plan, batches: 1000, cancellation: token)
            #expect(report.cancelled, "\(executor)")
            #expect(report.completedBatches == 4, "\(executor)")
            #expect(recorder.values("out") == [0, 2, 4, 6], "\(executor)")
        }
    }

    @Test func boundedChannelsHoldBackAFastSource() throws {
        for capacity in [1, 3] {
            let recorder = Recorder()
            var plan = ExecutionPlan<Int>()
            plan.addSource("source") { batch in
                recorder.add(1, to: "produced")
                return batch
            }
            plan.addSink("sink", inputs: ["source"]) { batch, _ in
                recorder.append(recorder.counter("produced") - batch, to: "lead")
                Thread.sleep(forTimeInterval: 0.003)
            }
            _ = try PipelinedExecutor(capacity: capacity).run(plan, batches: 40)
            // At most: the batch in the sink, `capacity` in the channel, one produced and waiting to be sent.
            #expect(recorder.values("lead").max()! <= capacity + 2, "capacity \(capacity)")
            // And the stages overlap: the source ran ahead of the sink at some batch.
            #expect(recorder.values("lead").max()! >= 2, "capacity \(capacity)")
        }
    }

    @Test func metricsAddUpToWallTime() throws {
        let recorder = Recorder()
        let report = try PipelinedExecutor(capacity: 2).run(statefulPlan(recorder, delay: 0.002), batches: 50)
        #expect(report.metrics.map(\.name) == ["source", "running", "mix", "sink"])
        for stage in report.metrics {
            #expect(stage.items == 50, "\(stage.name)")
            // Logical bounds only (a loaded machine stretches any interval): the parts never exceed
            // the whole, and a sleeping body is busy at least as long as it slept.
            let accounted = stage.busy + stage.waitingForInput + stage.waitingForOutput + stage.waitingForThread
            #expect(accounted <= stage.wall + 1e-6, "\(stage.name)")
            #expect(abs(stage.itemsPerSecond - 50 / stage.wall) < 1e-9, "\(stage.name)")
        }
        #expect(report.metrics[1].busy >= 50 * 0.002)

        let inline = try InlineExecutor().run(statefulPlan(Recorder(), delay: 0.001), batches: 20)
        #expect(inline.metrics.reduce(0) { $0 + $1.busy } <= inline.metrics[0].wall + 1e-6)
        #expect(inline.metrics[1].busy >= 20 * 0.001)
    }
}
