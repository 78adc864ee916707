extension PipelineGraph {
    // Checks about what gets trained: models, optimisers, stores, and what the loss reaches.

    func checkModels(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let forwarded = Set(
            spec.stages.compactMap { stage -> String? in
                if case .forward(let forward) = stage.kind { return forward.model.value }
                return nil
            })
        for model in spec.models where !forwarded.contains(model.name) {
            problems.append(
                Diagnostic(
                    at: model.location, keyPath: "models.\(model.name)",
                    "model '\(model.name)' is forwarded by no stage"))
        }
    }

    func checkOptimizers(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        let connectors = spec.stages.filter { if case .connector = $0.kind { true } else { false } }.map(\.name)
        for optimizer in spec.optimizers {
            for param in optimizer.params {
                let keyPath = "optimisers.\(optimizer.name).params"
                if let model = spec.model(named: param.value) {
                    if model.frozen {
                        problems.append(
                            Diagnostic(
                                at: param.location, keyPath: keyPath,
                                "optimiser '\(optimizer.name)' updates frozen model '\(model.name)'"))
                    }
                } else if !connectors.contains(param.value) && !spec.undecodedStages.contains(param.value) {
                    problems.append(
                        Diagnostic(
                            at: param.location, keyPath: keyPath,
                            "optimiser '\(optimizer.name)' updates '\(param.value)': no such model or connector stage"
                                + Suggestion.didYouMean(param.value, in: spec.models.map(\.name) + connectors)))
                }
            }
        }
    }

    func checkStores(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        for stage in spec.stages {
            guard case .augmentation(let augmentation) = stage.kind, augmentation.fresh > 0, augmentation.views == 0
            else { continue }
            problems.append(
                Diagnostic(
                    at: stage.node.entry("fresh")?.keyLocation ?? stage.location, keyPath: "stages.\(stage.name).fresh",
                    "stage '\(stage.name)' mixes fresh views into a view bank, but records none (views: 0 draws every view fresh); set views: N"
                ))
        }
        var directories: [String: String] = [:]
        for stage in spec.stages {
            guard case .forward(let forward) = stage.kind, let store = forward.store else { continue }
            let keyPath = "stages.\(stage.name).store"
            // Two stages writing one store directory would race on its index.
            let directory = store.dir ?? "\(spec.outputs.dir)/store/\(stage.name)"
            if let first = directories[directory] {
                problems.append(
                    Diagnostic(
                        at: store.location, keyPath: keyPath,
                        "stage '\(stage.name)' stores into \(directory), as stage '\(first)' does; give each stored stage its own dir"
                    ))
            } else {
                directories[directory] = stage.name
            }
            if let model = spec.model(named: forward.model.value), !model.frozen {
                problems.append(
                    Diagnostic(
                        at: store.location, keyPath: keyPath,
                        "stage '\(stage.name)' stores outputs of trainable model '\(model.name)': they change every step, so stored outputs would be stale"
                    ))
            }
            var upstream = forward.from.value.node
            var seen: Set<String> = []
            while seen.insert(upstream).inserted, let producer = spec.stage(named: upstream) {
                if case .augmentation(let augmentation) = producer.kind {
                    if augmentation.views == 0 && store.mode != "off" {
                        problems.append(
                            Diagnostic(
                                at: store.location, keyPath: keyPath,
                                "stage '\(stage.name)' stores outputs, but its input '\(producer.name)' draws a fresh view every epoch (views: 0), so the store would never hit; set views: N on '\(producer.name)' or remove store"
                            ))
                    }
                    break
                }
                upstream = producer.inputs.first?.value.node ?? ""
            }
        }
    }

    /// Walks back from every loss input through stages to the models and connectors it depends on.
    func checkReachability(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        var reached = Set<String>()
        var pending = spec.loss.flatMap { $0.inputs.map(\.reference.value.node) }
        while let name = pending.popLast() {
            guard reached.insert(name).inserted, let stage = spec.stage(named: name) else { continue }
            if case .forward(let forward) = stage.kind { reached.insert("model:" + forward.model.value) }
            pending += stage.inputs.map(\.value.node)
        }
        let updated = Set(spec.optimizers.flatMap { $0.params.map(\.value) })
        var trainable: [(name: String, what: String, location: SourceLocation, keyPath: String, reachedAs: String)] = []
        trainable += spec.models.filter { !$0.frozen }.map {
            ($0.name, "model", $0.location, "models.\($0.name)", "model:" + $0.name)
        }
        trainable += spec.stages.filter { if case .connector = $0.kind { true } else { false } }.map {
            ($0.name, "connector stage", $0.location, "stages.\($0.name)", $0.name)
        }
        for item in trainable {
            if !reached.contains(item.reachedAs) {
                problems.append(
                    Diagnostic(
                        at: item.location, keyPath: item.keyPath,
                        "\(item.what) '\(item.name)' is trainable but no loss term depends on it"
                            + (item.what == "model" ? "; set frozen: true or add a term that reads it" : "")))
            } else if !updated.contains(item.name) {
                problems.append(
                    Diagnostic(
                        .warning, at: item.location, keyPath: item.keyPath,
                        "\(item.what) '\(item.name)' is trainable but no optimiser updates it"))
            }
        }
    }
}
