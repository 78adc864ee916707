extension PipelineGraph {
    /// Structural problems of `spec`: missing references, cycles, unused or unreachable models, optimisers over
    /// frozen models, stores that could never hit, phases that do not add up.
    ///
    /// `reachability` enables the whole-graph checks (a trainable model or connector that no loss term
    /// reaches, or that no optimiser updates); the loader turns it off when schema errors left the spec
    /// incomplete, where they would only add noise.
    ///
    /// A `store:` on a forward whose input augmentation has `views: 0` is an error: every epoch draws new
    /// views, so the store would never hit and only grow. So is a store on a trainable model's forward.
    func structuralDiagnostics(of spec: PipelineSpec, reachability: Bool = true) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        checkStageNames(spec, &problems)
        checkTrainSources(spec, &problems)
        checkReferences(spec, &problems)
        checkCycles(spec, &problems)
        checkModels(spec, &problems)
        checkOptimizers(spec, &problems)
        checkStores(spec, &problems)
        checkPhases(spec, &problems)
        checkDataflow(spec, &problems)
        if reachability { checkReachability(spec, &problems) }
        return problems
    }

    private func checkStageNames(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages where stage.name == "data" || stage.name.contains(".") {
            problems.append(
                Diagnostic(
                    at: stage.location, keyPath: "stages.\(stage.name)",
                    "a stage name may not be 'data' or contain '.': references could not name it"))
        }
    }

    /// Names a reference may use, for "did you mean".
    private func referable(_ spec: PipelineSpec) -> [String] {
        nodes.filter { $0.kind != .lossTerm && $0.kind != .optimizer }.map(\.id)
    }

    private func checkReference(
        _ reference: Located<Reference>, by subject: String, keyPath: String,
        _ spec: PipelineSpec, _ problems: inout [Diagnostic]
    ) {
        let target = reference.value.node
        if spec.undecodedStages.contains(target) { return }
        guard let node = node(target), node.kind != .lossTerm, node.kind != .optimizer else {
            let what = target.hasPrefix("data.") ? "no such data split" : "no such stage"
            problems.append(
                Diagnostic(
                    at: reference.location, keyPath: keyPath,
                    "\(subject) reads '\(reference.value)': \(what)"
                        + Suggestion.didYouMean(target, in: referable(spec))))
            return
        }
        guard let output = reference.value.output else { return }
        let outputs = node.kind == .source ? ["images", "labels"] : spec.stage(named: target)?.outputs ?? []
        if !outputs.contains(output) {
            problems.append(
                Diagnostic(
                    at: reference.location, keyPath: keyPath,
                    "\(subject) reads '\(reference.value)': '\(target)' has no output '\(output)'"
                        + Suggestion.didYouMean(output, in: outputs)
                        + " (outputs: \(outputs.joined(separator: ", ")))"))
        }
    }

    private func checkReferences(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages {
            switch stage.kind {
            case .augmentation(let augmentation):
                checkReference(
                    augmentation.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec,
                    &problems)
            case .forward(let forward):
                checkReference(
                    forward.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec, &problems)
                if spec.model(named: forward.model.value) == nil {
                    problems.append(
                        Diagnostic(
                            at: forward.model.location, keyPath: "stages.\(stage.name).forward",
                            "stage '\(stage.name)' forwards '\(forward.model.value)': no such model"
                                + Suggestion.didYouMean(forward.model.value, in: spec.models.map(\.name))))
                }
            case .connector(let connector):
                checkReference(
                    connector.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec, &problems)
                for (field, reference) in connector.references {
                    checkReference(
                        reference, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).\(field)", spec,
                        &problems)
                }
            case .ensemble(let ensemble):
                for member in ensemble.inputs {
                    checkReference(
                        member, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).ensemble", spec, &problems)
                }
            }
        }
        for term in spec.loss {
            for input in term.inputs {
                checkReference(
                    input.reference, by: "loss term '\(term.name)'", keyPath: "loss.\(term.name).\(input.field)",
                    spec, &problems)
            }
        }
        if spec.loss.isEmpty, let entry = spec.root.entry("loss") {
            problems.append(Diagnostic(at: entry.keyLocation, keyPath: "loss", "no loss terms: nothing to train"))
        }
        let compositions = spec.outputs.compositions.map(\.name)
        if let export = spec.outputs.export, spec.model(named: export.value) == nil,
            !compositions.contains(export.value)
        {
            problems.append(
                Diagnostic(
                    at: export.location, keyPath: "outputs.export",
                    "exports '\(export.value)': no such model or composition"
                        + Suggestion.didYouMean(export.value, in: spec.models.map(\.name) + compositions)))
        }
        for composition in spec.outputs.compositions {
            let keyPath = "outputs.compose.\(composition.name)"
            if spec.model(named: composition.name) != nil {
                problems.append(
                    Diagnostic(
                        at: composition.location, keyPath: keyPath,
                        "composition '\(composition.name)' has a model's name; name it apart"))
            }
            let connector = composition.connector
            if case .connector? = spec.stage(named: connector.value)?.kind { continue }
            let connectors = spec.stages.filter { if case .connector = $0.kind { true } else { false } }.map(\.name)
            problems.append(
                Diagnostic(
                    at: connector.location, keyPath: keyPath,
                    "composes '\(connector.value)': no such connector stage"
                        + Suggestion.didYouMean(connector.value, in: connectors)))
        }
    }

    /// Reports each cycle among stages once, at the reference that closes it.
    private func checkCycles(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        var state: [String: Bool] = [:]  // false: on the current path; true: finished
        var path: [String] = []
        func visit(_ stage: StageSpec) {
            state[stage.name] = false
            path.append(stage.name)
            for input in stage.inputs {
                guard let producer = spec.stage(named: input.value.node) else { continue }
                switch state[producer.name] {
                case false?:
                    let cycle = path[path.lastIndex(of: producer.name)!...] + [producer.name]
                    problems.append(
                        Diagnostic(
                            at: input.location, keyPath: "stages.\(stage.name)",
                            "cycle: \(cycle.reversed().joined(separator: " -> "))"))
                case nil:
                    visit(producer)
                default:
                    break
                }
            }
            path.removeLast()
            state[stage.name] = true
        }
        for stage in spec.stages where state[stage.name] == nil { visit(stage) }
    }

    private func checkPhases(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        guard let phasesValue = spec.root["phases"] else { return }
        let termNames = spec.loss.map(\.name), optimizerNames = spec.optimizers.map(\.name)
        for (index, phase) in spec.phases.enumerated() {
            for term in phase.loss ?? [] where !termNames.contains(term.value) {
                problems.append(
                    Diagnostic(
                        at: term.location, keyPath: "phases.\(index).loss",
                        "phase '\(phase.name)' uses '\(term.value)': no such loss term"
                            + Suggestion.didYouMean(term.value, in: termNames)))
            }
            for optimizer in phase.optimizers ?? [] where !optimizerNames.contains(optimizer.value) {
                problems.append(
                    Diagnostic(
                        at: optimizer.location, keyPath: "phases.\(index).optimisers",
                        "phase '\(phase.name)' steps '\(optimizer.value)': no such optimiser"
                            + Suggestion.didYouMean(optimizer.value, in: optimizerNames)))
            }
        }
        // The decoder scales phases to `epochs`; they still differ only when there are fewer epochs than phases.
        let total = spec.phases.reduce(0) { $0 + $1.epochs }
        if let epochs = spec.root["epochs"]?.int, total != epochs {
            problems.append(
                Diagnostic(
                    at: phasesValue.location, keyPath: "phases",
                    "\(spec.phases.count) phases need at least as many epochs; epochs is \(epochs)"))
        }
    }
}
