import KDPipeline

extension PipelineChecks {
    /// The forward taps a composition's connector reads: `from:` (the body's) and `to:` (the head's),
    /// each as model and tap; nil unless both are forward stages' taps.
    static func composedModels(_ c: ComposeSpec, spec: PipelineSpec) -> (
        body: (model: String, tap: String), head: (model: String, tap: String)
    )? {
        guard let stage = spec.stage(named: c.connector.value), case .connector(let connector) = stage.kind,
            let to = connector.reference("to")
        else { return nil }
        func forwardTap(_ reference: Reference) -> (model: String, tap: String)? {
            guard case .forward(let forward)? = spec.stage(named: reference.node)?.kind else { return nil }
            return (forward.model.value, reference.output ?? "logits")
        }
        guard let body = forwardTap(connector.from.value), let head = forwardTap(to.value) else { return nil }
        return (body, head)
    }

    /// A composition must read, through its connector, the map a trainable model's classifier pools
    /// (`from:`) and project it onto the map a frozen model's classifier pools (`to:`), channels equal.
    static func checkComposition(_ c: ComposeSpec, spec: PipelineSpec, shapes: TapShapes) -> [Diagnostic] {
        let keyPath = "outputs.compose.\(c.name)"
        let problem = { (message: String) in
            [Diagnostic(at: c.connector.location, keyPath: keyPath, "composition '\(c.name)': \(message)")]
        }
        guard let stage = spec.stage(named: c.connector.value), case .connector(let connector) = stage.kind else {
            return []
        }
        guard let (body, head) = composedModels(c, spec: spec) else {
            return problem(
                "connector '\(c.connector.value)' must read a forward's tap in `from:` and in `to:` (the student's and the teacher's)"
            )
        }
        for (role, part, frozen) in [("from", body, false), ("to", head, true)] {
            // A model that could not be built is reported where it is declared.
            guard let model = spec.model(named: part.model), shapes.available[part.model] != nil else { continue }
            guard let modelHead = shapes.heads[part.model] else {
                return problem(
                    "model '\(part.model)' (\(model.arch.value)) has no classifier head kdflow composes (cnn, mlp, the CIFAR ResNets)"
                )
            }
            if model.frozen != frozen {
                return problem(
                    "`\(role):` reads model '\(part.model)', which must be \(frozen ? "frozen (the teacher)" : "trainable (the student)")"
                )
            }
            if part.tap != modelHead.inputTap {
                return problem(
                    "`\(role):` reads \(part.model)'s '\(part.tap)', but its classifier pools '\(modelHead.inputTap)'")
            }
        }
        guard let out = connectorOutputs(stage, connector, spec: spec, shapes: shapes, seen: [])?["out"],
            let inFeatures = shapes.heads[head.model]?.inFeatures
        else { return [] }
        return out[1] == inFeatures
            ? []
            : problem(
                "connector '\(c.connector.value)' outputs \(out[1]) channels, \(head.model)'s classifier reads \(inFeatures)"
            )
    }
}
