extension PipelineGraph {
    // What runs is what the file wires: each check here rejects a wiring the executor could only
    // ignore or guess at.

    /// Augmentation stages read `data.train`; forwards read an augmentation stage; an ensemble combines
    /// frozen forwards' logits; every stage's output is read; a loss reads the labels of a stream that
    /// feeds the model it trains, and model outputs (not images).
    func checkDataflow(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let read = Set(
            spec.stages.flatMap { $0.inputs.map(\.value.node) }
                + spec.loss.flatMap { $0.inputs.map(\.reference.value.node) })
        for stage in spec.stages {
            let keyPath = "stages.\(stage.name)"
            switch stage.kind {
            case .augmentation(let augmentation):
                if augmentation.from.value.node != "data.train" || augmentation.from.value.output != nil,
                    node(augmentation.from.value.node) != nil
                {
                    problems.append(
                        Diagnostic(
                            at: augmentation.from.location, keyPath: "\(keyPath).from",
                            "augmentation stage '\(stage.name)' reads '\(augmentation.from.value)'; an augmentation stage renders its own views of data.train (write from: data.train)"
                        ))
                }
            case .forward(let forward):
                let from = forward.from.value
                if let producer = node(from.node),
                    producer.kind != .augmentation || (from.output ?? "images") != "images"
                {
                    problems.append(
                        Diagnostic(
                            at: forward.from.location, keyPath: "\(keyPath).from",
                            "stage '\(stage.name)' forwards '\(from)'; a forward reads an augmentation stage's images (add one with ops: [] for plain pixels)"
                        ))
                }
            case .ensemble(let ensemble):
                checkEnsemble(stage.name, ensemble, spec, &problems)
            case .connector:
                break  // reachability reports a connector no loss depends on
            }
            if !read.contains(stage.name), !isConnector(stage), !isSoleForwardOfTrainableModel(stage, spec) {
                problems.append(
                    Diagnostic(
                        at: stage.location, keyPath: keyPath,
                        "stage '\(stage.name)' computes outputs that no stage or loss term reads; remove it or read it")
                )
            }
        }
        for term in spec.loss { checkLossInputs(term, spec, &problems) }
    }

    private func isConnector(_ stage: StageSpec) -> Bool {
        if case .connector = stage.kind { true } else { false }
    }

    /// Reachability already reports a trainable model none of whose forwards is read.
    private func isSoleForwardOfTrainableModel(_ stage: StageSpec, _ spec: PipelineSpec) -> Bool {
        guard case .forward(let forward) = stage.kind, spec.model(named: forward.model.value)?.frozen == false else {
            return false
        }
        return !spec.stages.contains { other in
            if other.name != stage.name, case .forward(let f) = other.kind {
                f.model.value == forward.model.value
            } else {
                false
            }
        }
    }

    private func checkEnsemble(
        _ name: String, _ ensemble: EnsembleSpec, _ spec: PipelineSpec, _ problems: inout [Diagnostic]
    ) {
        let keyPath = "stages.\(name).ensemble"
        if ensemble.inputs.count < 2,
            let first = ensemble.inputs.first
                ?? spec.stage(named: name).map({ Located(Reference(parsing: name), at: $0.location) })
        {
            problems.append(
                Diagnostic(at: first.location, keyPath: keyPath, "an ensemble combines at least two teachers' logits"))
        }
        for member in ensemble.inputs {
            guard let producer = spec.stage(named: member.value.node) else { continue }
            let frozenForward: Bool
            switch producer.kind {
            case .forward(let forward): frozenForward = spec.model(named: forward.model.value)?.frozen ?? true
            case .ensemble: frozenForward = true
            default: frozenForward = false
            }
            if !frozenForward || member.value.output != "logits" {
                problems.append(
                    Diagnostic(
                        at: member.location, keyPath: keyPath,
                        "ensemble '\(name)' reads '\(member.value)'; it combines the logits of frozen forwards (e.g. \(member.value.node).logits of a frozen model)"
                    ))
            }
        }
        guard let weights = ensemble.weights else { return }
        if weights.value.count != ensemble.inputs.count {
            problems.append(
                Diagnostic(
                    at: weights.location, keyPath: "stages.\(name).weights",
                    "\(weights.value.count) weights for \(ensemble.inputs.count) members; give one per member"))
        } else if weights.value.contains(where: { !($0 >= 0) || !$0.isFinite }) || weights.value.reduce(0, +) <= 0 {
            problems.append(
                Diagnostic(
                    at: weights.location, keyPath: "stages.\(name).weights",
                    "weights must be finite, ≥ 0 and not all 0"))
        }
    }

    /// The augmentation stages that feed the trainable models a reference depends on.
    private func trainedStreams(of reference: Reference, _ spec: PipelineSpec, seen: inout Set<String>) -> Set<String> {
        guard seen.insert(reference.node).inserted, let stage = spec.stage(named: reference.node) else { return [] }
        switch stage.kind {
        case .forward(let forward):
            guard spec.model(named: forward.model.value)?.frozen == false else { return [] }
            return [forward.from.value.node]
        case .connector:
            return stage.inputs.reduce(into: Set<String>()) { streams, input in
                streams.formUnion(trainedStreams(of: input.value, spec, seen: &seen))
            }
        case .augmentation, .ensemble:
            return []
        }
    }

    private func checkLossInputs(_ term: LossTermSpec, _ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        var streams = Set<String>()
        for input in term.inputs where input.field != "target" {
            var seen = Set<String>()
            streams.formUnion(trainedStreams(of: input.reference.value, spec, seen: &seen))
            if case .augmentation? = spec.stage(named: input.reference.value.node)?.kind {
                problems.append(
                    Diagnostic(
                        at: input.reference.location, keyPath: "loss.\(term.name).\(input.field)",
                        "loss term '\(term.name)' reads '\(input.reference.value)', a stream's images; terms read model outputs (a forward stage's taps)"
                    ))
            }
        }
        guard let target = term.inputs.first(where: { $0.field == "target" })?.reference,
            let stage = spec.stage(named: target.value.node)
        else { return }
        guard case .augmentation = stage.kind, target.value.output == "labels" else {
            problems.append(
                Diagnostic(
                    at: target.location, keyPath: "loss.\(term.name).target",
                    "target reads '\(target.value)'; labels come from an augmentation stage (e.g. augment.labels)"))
            return
        }
        if !streams.isEmpty, !streams.contains(stage.name) {
            problems.append(
                Diagnostic(
                    at: target.location, keyPath: "loss.\(term.name).target",
                    "loss term '\(term.name)' reads the labels of '\(stage.name)', but the model it trains is fed from \(streams.sorted().map { "'\($0)'" }.joined(separator: ", ")); read \(streams.sorted()[0]).labels"
                ))
        }
    }
}
