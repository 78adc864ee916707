/// A DAG of stages to run over batches 0..<n, generic over the value passed between stages.
///
/// Steps are added producers first, so a plan is acyclic by construction. A stage is called for batch
/// i with its inputs' values for batch i, keyed by the producing step's name, strictly in batch order
/// and never concurrently with itself, so a stage may keep state (a trainer updating weights) in a
/// class it owns.
public struct ExecutionPlan<Value: Sendable>: Sendable {
    /// What a step runs.
    public enum Body: Sendable {
        /// Produces the value of batch i.
        case source(@Sendable (_ batch: Int) throws -> Value)
        /// Maps its inputs' values for batch i to its own.
        case stage(@Sendable (_ batch: Int, _ inputs: [String: Value]) throws -> Value)
        /// Consumes its inputs' values for batch i.
        case sink(@Sendable (_ batch: Int, _ inputs: [String: Value]) throws -> Void)
    }

    /// One named step and the steps it reads.
    public struct Step: Sendable {
        /// Unique name; failures and metrics name it.
        public var name: String
        /// The steps whose values it receives, by name.
        public var inputs: [String]
        /// What it runs.
        public var body: Body
    }

    /// Steps in the order added (a topological order).
    public private(set) var steps: [Step] = []

    /// An empty plan.
    public init() {}

    /// Adds a source producing one value per batch.
    public mutating func addSource(_ name: String, produce: @escaping @Sendable (_ batch: Int) throws -> Value) {
        add(Step(name: name, inputs: [], body: .source(produce)))
    }

    /// Adds a stage reading `inputs` (already added) and producing one value per batch.
    public mutating func addStage(
        _ name: String, inputs: [String],
        transform: @escaping @Sendable (_ batch: Int, _ inputs: [String: Value]) throws -> Value
    ) {
        add(Step(name: name, inputs: inputs, body: .stage(transform)))
    }

    /// Adds a sink consuming `inputs` (already added) in batch order.
    public mutating func addSink(
        _ name: String, inputs: [String],
        consume: @escaping @Sendable (_ batch: Int, _ inputs: [String: Value]) throws -> Void
    ) {
        add(Step(name: name, inputs: inputs, body: .sink(consume)))
    }

    private mutating func add(_ step: Step) {
        precondition(!steps.contains { $0.name == step.name }, "ExecutionPlan: duplicate step '\(step.name)'")
        for input in step.inputs {
            precondition(
                steps.contains { $0.name == input && !$0.isSink },
                "ExecutionPlan: step '\(step.name)' reads '\(input)', which is not an earlier source or stage")
        }
        precondition(!step.inputs.isEmpty || step.isSource, "ExecutionPlan: step '\(step.name)' has no inputs")
        precondition(
            Set(step.inputs).count == step.inputs.count, "ExecutionPlan: step '\(step.name)' reads an input twice")
        steps.append(step)
    }

    /// Steps nothing reads: a batch is complete when all of them have processed it.
    var terminalSteps: [String] {
        let read = Set(steps.flatMap(\.inputs))
        return steps.map(\.name).filter { !read.contains($0) }
    }
}

extension ExecutionPlan.Step {
    var isSource: Bool { if case .source = body { true } else { false } }
    var isSink: Bool { if case .sink = body { true } else { false } }

    /// Runs the step for one batch; sinks yield nil.
    func run(batch: Int, inputs: [String: Value]) throws -> Value? {
        switch body {
        case .source(let produce): return try produce(batch)
        case .stage(let transform): return try transform(batch, inputs)
        case .sink(let consume):
            try consume(batch, inputs)
            return nil
        }
    }
}
