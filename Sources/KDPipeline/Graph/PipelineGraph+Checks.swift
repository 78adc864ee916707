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
    public func structuralDiagnostics(of spec: PipelineSpec, reachability: Bool = true) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        checkStageNames(spec, &problems)
        checkReferences(spec, &problems)
        checkCycles(spec, &problems)
        checkModels(spec, &problems)
        checkOptimisers(spec, &problems)
        checkStores(spec, &problems)
        checkPhases(spec, &problems)
        if reachability { checkReachability(spec, &problems) }
        return problems
    }

    private func checkStageNames(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages where stage.name == "data" || stage.name.contains(".") {
            problems.append(Diagnostic(at: stage.location, keyPath: "stages.\(stage.name)",
                                       "a stage name may not be 'data' or contain '.': references could not name it"))
        }
    }

    /// Names a reference may use, for "did you mean".
    private func referable(_ spec: PipelineSpec) -> [String] {
        nodes.filter { $0.kind != .lossTerm && $0.kind != .optimiser }.map(\.id)
    }

    private func checkReference(_ reference: Located<Reference>, by subject: String, keyPath: String,
                                _ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let target = reference.value.node
        if spec.undecodedStages.contains(target) { return }
        guard let node = node(target), node.kind != .lossTerm, node.kind != .optimiser else {
            let what = target.hasPrefix("data.") ? "no such data split" : "no such stage"
            problems.append(Diagnostic(at: reference.location, keyPath: keyPath,
                                       "\(subject) reads '\(reference.value)': \(what)"
                                       + Suggestion.didYouMean(target, in: referable(spec))))
            return
        }
        guard let output = reference.value.output else { return }
        let outputs = node.kind == .source ? ["images", "labels"] : spec.stage(named: target)?.outputs ?? []
        if !outputs.contains(output) {
            problems.append(Diagnostic(at: reference.location, keyPath: keyPath,
                                       "\(subject) reads '\(reference.value)': '\(target)' has no output '\(output)'"
                                       + Suggestion.didYouMean(output, in: outputs)
                                       + " (outputs: \(outputs.joined(separator: ", ")))"))
        }
    }

    private func checkReferences(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages {
            switch stage.kind {
            case .augmentation(let augmentation):
                checkReference(augmentation.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec, &problems)
            case .forward(let forward):
                checkReference(forward.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec, &problems)
                if spec.model(named: forward.model.value) == nil {
                    problems.append(Diagnostic(at: forward.model.location, keyPath: "stages.\(stage.name).forward",
                                               "stage '\(stage.name)' forwards '\(forward.model.value)': no such model"
                                               + Suggestion.didYouMean(forward.model.value, in: spec.models.map(\.name))))
                }
            case .connector(let connector):
                checkReference(connector.from, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).from", spec, &problems)
                checkReference(connector.to, by: "stage '\(stage.name)'", keyPath: "stages.\(stage.name).to", spec, &problems)
            }
        }
        for term in spec.loss {
            for input in term.inputs {
                checkReference(input.reference, by: "loss term '\(term.name)'", keyPath: "loss.\(term.name).\(input.field)",
                               spec, &problems)
            }
        }
        if spec.loss.isEmpty, let entry = spec.root.entry("loss") {
            problems.append(Diagnostic(at: entry.keyLocation, keyPath: "loss", "no loss terms: nothing to train"))
        }
        if let export = spec.outputs.export, spec.model(named: export.value) == nil {
            problems.append(Diagnostic(at: export.location, keyPath: "outputs.export",
                                       "exports '\(export.value)': no such model"
                                       + Suggestion.didYouMean(export.value, in: spec.models.map(\.name))))
        }
    }

    /// Reports each cycle among stages once, at the reference that closes it.
    private func checkCycles(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        var state: [String: Bool] = [:]   // false: on the current path; true: finished
        var path: [String] = []
        func visit(_ stage: StageSpec) {
            state[stage.name] = false
            path.append(stage.name)
            for input in stage.inputs {
                guard let producer = spec.stage(named: input.value.node) else { continue }
                switch state[producer.name] {
                case false?:
                    let cycle = path[path.lastIndex(of: producer.name)!...] + [producer.name]
                    problems.append(Diagnostic(at: input.location, keyPath: "stages.\(stage.name)",
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

    private func checkModels(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let forwarded = Set(spec.stages.compactMap { stage -> String? in
            if case .forward(let forward) = stage.kind { return forward.model.value }
            return nil
        })
        for model in spec.models where !forwarded.contains(model.name) {
            problems.append(Diagnostic(at: model.location, keyPath: "models.\(model.name)",
                                       "model '\(model.name)' is forwarded by no stage"))
        }
    }

    private func checkOptimisers(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let connectors = spec.stages.filter { if case .connector = $0.kind { true } else { false } }.map(\.name)
        for optimiser in spec.optimisers {
            for param in optimiser.params {
                let keyPath = "optimisers.\(optimiser.name).params"
                if let model = spec.model(named: param.value) {
                    if model.frozen {
                        problems.append(Diagnostic(at: param.location, keyPath: keyPath,
                                                   "optimiser '\(optimiser.name)' updates frozen model '\(model.name)'"))
                    }
                } else if !connectors.contains(param.value) && !spec.undecodedStages.contains(param.value) {
                    problems.append(Diagnostic(at: param.location, keyPath: keyPath,
                                               "optimiser '\(optimiser.name)' updates '\(param.value)': no such model or connector stage"
                                               + Suggestion.didYouMean(param.value, in: spec.models.map(\.name) + connectors)))
                }
            }
        }
    }

    private func checkStores(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages {
            guard case .forward(let forward) = stage.kind, let store = forward.store else { continue }
            let keyPath = "stages.\(stage.name).store"
            if let model = spec.model(named: forward.model.value), !model.frozen {
                problems.append(Diagnostic(at: store.location, keyPath: keyPath,
                                           "stage '\(stage.name)' stores outputs of trainable model '\(model.name)': they change every step, so stored outputs would be stale"))
            }
            var upstream = forward.from.value.node
            var seen: Set<String> = []
            while seen.insert(upstream).inserted, let producer = spec.stage(named: upstream) {
                if case .augmentation(let augmentation) = producer.kind {
                    if augmentation.views == 0 {
                        problems.append(Diagnostic(at: store.location, keyPath: keyPath,
                                                   "stage '\(stage.name)' stores outputs, but its input '\(producer.name)' draws a fresh view every epoch (views: 0), so the store would never hit; set views: N on '\(producer.name)' or remove store"))
                    }
                    break
                }
                upstream = producer.inputs.first?.value.node ?? ""
            }
        }
    }

    private func checkPhases(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        guard let phasesValue = spec.root["phases"] else { return }
        let termNames = spec.loss.map(\.name), optimiserNames = spec.optimisers.map(\.name)
        for (index, phase) in spec.phases.enumerated() {
            for term in phase.loss ?? [] where !termNames.contains(term.value) {
                problems.append(Diagnostic(at: term.location, keyPath: "phases.\(index).loss",
                                           "phase '\(phase.name)' uses '\(term.value)': no such loss term"
                                           + Suggestion.didYouMean(term.value, in: termNames)))
            }
            for optimiser in phase.optimisers ?? [] where !optimiserNames.contains(optimiser.value) {
                problems.append(Diagnostic(at: optimiser.location, keyPath: "phases.\(index).optimisers",
                                           "phase '\(phase.name)' steps '\(optimiser.value)': no such optimiser"
                                           + Suggestion.didYouMean(optimiser.value, in: optimiserNames)))
            }
        }
        let total = spec.phases.reduce(0) { $0 + $1.epochs }
        if let epochs = spec.root["epochs"]?.int, total != epochs {
            problems.append(Diagnostic(at: phasesValue.location, keyPath: "phases",
                                       "phases add up to \(total) epochs but epochs is \(spec.epochs)"))
        }
    }

    /// Walks back from every loss input through stages to the models and connectors it depends on.
    private func checkReachability(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        var reached = Set<String>()
        var pending = spec.loss.flatMap { $0.inputs.map(\.reference.value.node) }
        while let name = pending.popLast() {
            guard reached.insert(name).inserted, let stage = spec.stage(named: name) else { continue }
            if case .forward(let forward) = stage.kind { reached.insert("model:" + forward.model.value) }
            pending += stage.inputs.map(\.value.node)
        }
        let updated = Set(spec.optimisers.flatMap { $0.params.map(\.value) })
        var trainable: [(name: String, what: String, location: SourceLocation, keyPath: String, reachedAs: String)] = []
        trainable += spec.models.filter { !$0.frozen }.map {
            ($0.name, "model", $0.location, "models.\($0.name)", "model:" + $0.name)
        }
        trainable += spec.stages.filter { if case .connector = $0.kind { true } else { false } }.map {
            ($0.name, "connector stage", $0.location, "stages.\($0.name)", $0.name)
        }
        for item in trainable {
            if !reached.contains(item.reachedAs) {
                problems.append(Diagnostic(at: item.location, keyPath: item.keyPath,
                                           "\(item.what) '\(item.name)' is trainable but no loss term depends on it"
                                           + (item.what == "model" ? "; set frozen: true or add a term that reads it" : "")))
            } else if !updated.contains(item.name) {
                problems.append(Diagnostic(.warning, at: item.location, keyPath: item.keyPath,
                                           "\(item.what) '\(item.name)' is trainable but no optimiser updates it"))
            }
        }
    }
}
