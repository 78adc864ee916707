import KDPipeline

extension TrainingPlan {
    /// One node of the executor plan an epoch runs; `Trainer` builds exactly these, and `kdflow graph`
    /// draws them.
    public struct Stage: Sendable {
        /// What a node runs.
        public enum Kind: Sendable {
            /// The loader: each batch's samples and labels, in the epoch's seeded order.
            case data
            /// An augmentation stage rendering its views of the batch.
            case stream(StreamPlan)
            /// A frozen model's forward (served from its store where it has one).
            case frozenForward(ForwardPlan)
            /// An ensemble of frozen forwards' logits.
            case ensemble(EnsemblePlan)
            /// Trainable forwards, connectors, the loss graph and the optimisers: one node, as backward spans them.
            case step
        }

        /// The node's name: `data.train`, a stage's name, or `step`.
        public var name: String
        public var kind: Kind
        /// The nodes whose values it reads.
        public var inputs: [String]
    }

    /// The data node's name (as files reference it).
    static let dataStage = "data.train"
    /// The step node's name.
    static let stepStage = "step"

    /// The stage part of a value name (`teacher` of `teacher.logits`, `data.train` of `data.train.labels`).
    static func stageName(of value: String) -> String { Reference(parsing: value).node }

    /// The forwards of trainable models, in plan order (they run inside the step).
    var trainableForwards: [ForwardPlan] {
        forwards.filter { model(named: $0.model)?.frozen == false }
    }

    /// The forwards of frozen models, in plan order (each a node of its own).
    var frozenForwards: [ForwardPlan] {
        forwards.filter { model(named: $0.model)?.frozen != false }
    }

    /// The executor's nodes, producers first.
    public var stages: [Stage] {
        var out = [Stage(name: Self.dataStage, kind: .data, inputs: [])]
        out += streams.map { Stage(name: $0.name, kind: .stream($0), inputs: [Self.dataStage]) }
        out += frozenForwards.map { Stage(name: $0.name, kind: .frozenForward($0), inputs: [$0.stream]) }
        out += ensembles.map { e in
            Stage(name: e.name, kind: .ensemble(e), inputs: unique(e.members.map(Self.stageName)))
        }
        let read = Set(
            loss.terms.flatMap { $0.bindings.values.map(Self.stageName) }
                + connectors.flatMap { $0.inputs.values.map(Self.stageName) })
        let fed = unique(trainableForwards.map(\.stream))
        let values = (frozenForwards.map(\.name) + ensembles.map(\.name)).filter(read.contains)
        out.append(Stage(name: Self.stepStage, kind: .step, inputs: [Self.dataStage] + fed + values))
        return out
    }

    private func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

extension TrainingPlan {
    /// The trainable forwards and connectors the loss terms of `phase` read, directly or through
    /// other connectors: a phase that trains a paraphraser alone runs neither the student nor
    /// its translator.
    func stepStages(of phase: Phase) -> Set<String> {
        var pending = loss.terms.filter { phase.loss?.contains($0.name) ?? true }.flatMap { $0.bindings.values }
        var needed = Set<String>()
        while let value = pending.popLast() {
            let stage = Self.stageName(of: value)
            guard needed.insert(stage).inserted else { continue }
            if let connector = connectors.first(where: { $0.name == stage }) { pending += connector.inputs.values }
        }
        return needed
    }
}
