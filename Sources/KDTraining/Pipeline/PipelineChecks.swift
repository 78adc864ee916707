import Foundation
import KDData
import KDLoss
import KDNN
import KDPipeline
import KDTensor

/// The checks only the training layer can make: taps a model does not have and shape
/// mismatches between connected tensors (found from the models' tap shapes, before any data is read).
enum PipelineChecks {
    static func check(_ spec: PipelineSpec, _ graph: PipelineGraph) -> [Diagnostic] {
        let shapes = TapShapes(spec: spec)
        var out: [Diagnostic] = []
        for stage in spec.stages {
            guard case .forward(let forward) = stage.kind, let available = shapes.available[forward.model.value] else {
                continue
            }
            let arch = spec.model(named: forward.model.value)?.arch.value ?? "?"
            for tap in forward.taps where !available.contains(tap.value) {
                out.append(
                    Diagnostic(
                        at: tap.location, keyPath: "stages.\(stage.name).taps",
                        "model '\(forward.model.value)' (\(arch)) has no tap '\(tap.value)'"
                            + Suggestion.didYouMean(tap.value, in: available)
                            + "; its taps: " + available.joined(separator: ", ")))
            }
        }
        let resolve = { (ref: Reference) in shape(of: ref, spec: spec, shapes: shapes) }
        let manifests = SourceManifests(spec)
        let trainingSamples = trainingSampleCount(spec, manifests)
        for stage in spec.stages {
            guard case .connector(let c) = stage.kind,
                let inputs = connectorInputs(stage, c, spec: spec, shapes: shapes, seen: []),
                let kind = ConnectorCatalog.kind(named: c.connector.value),
                let problem = kind.outputShapes(
                    inputs, options: connectorOptions(stage, kind), trainingSamples: trainingSamples
                ).problem
            else { continue }
            let read = ([("from", c.from)] + c.references.map { ($0.field, $0.reference) }).map { field, reference in
                "\(field) \(reference.value) \(inputs[field]!)"
            }
            out.append(
                Diagnostic(
                    at: c.reference(problem.input)?.location ?? stage.node.entry(problem.input)?.value.location
                        ?? c.from.location, keyPath: "stages.\(stage.name)",
                    "connector '\(stage.name)' (\(kind.name)) reads \(read.joined(separator: ", ")): \(problem.message)"
                ))
        }
        for stage in spec.stages {
            guard case .ensemble(let e) = stage.kind else { continue }
            let members = e.inputs.compactMap { member in resolve(member.value).map { (member, $0) } }
            for (member, memberShape) in members.dropFirst() where memberShape != members[0].1 || memberShape.rank != 2
            {
                out.append(
                    Diagnostic(
                        at: member.location, keyPath: "stages.\(stage.name).ensemble",
                        "ensemble '\(stage.name)' combines \(members[0].0.value) \(members[0].1) with \(member.value) \(memberShape): members need logits of one shape [N, classes]"
                    ))
            }
        }
        for term in spec.loss {
            let inputs = term.inputs.filter { $0.field != "target" }.compactMap { input in
                resolve(input.reference.value).map {
                    (input, LossShapeRules.Input(role: input.field, name: "\(input.reference.value)", shape: $0))
                }
            }
            guard inputs.count == term.inputs.filter({ $0.field != "target" }).count,
                let (bad, message) = LossShapeRules.problem(kind: term.kind.value, inputs.map(\.1)),
                let input = inputs.first(where: { $0.1.role == bad.role })?.0
            else { continue }
            out.append(Diagnostic(at: input.reference.location, keyPath: "loss.\(term.name).\(input.field)", message))
        }
        out += manifests.problems
        out += checkInputSize(spec, manifests)
        out += checkLabelReaders(spec, manifests)
        out += checkImportParts(spec)
        out += checkDataSize(spec, manifests)
        return out
    }

    /// Models must output every class the labels take, and a batch must fit the training data
    /// (when the shards already exist; the trainer checks again once they do).
    static func checkDataSize(_ spec: PipelineSpec, _ manifests: SourceManifests) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var labelled: (classes: Int, source: DataSourceSpec)?
        for source in spec.data.train + [spec.data.eval].compactMap({ $0 }) {
            guard let manifest = manifests[source], manifest.labeled, manifest.classes.count > (labelled?.classes ?? 0)
            else { continue }
            labelled = (manifest.classes.count, source)
        }
        if let (classes, source) = labelled {
            for m in spec.models where m.classes < classes {
                out.append(
                    Diagnostic(
                        at: m.node.entry("classes")?.value.location ?? m.location, keyPath: "models.\(m.name).classes",
                        "model '\(m.name)' outputs \(m.classes) classes, but the labels of \(source.name) (\(source.shards)) take \(classes); set classes: \(classes)"
                    ))
            }
        }
        if let batch = spec.root["data"]?.entry("batch"), let samples = trainingSampleCount(spec, manifests),
            spec.data.batch > samples
        {
            out.append(
                Diagnostic(
                    at: batch.value.location, keyPath: "data.batch",
                    "batch \(spec.data.batch) is larger than the \(samples) training samples"))
        }
        return out
    }

    /// The number of training samples, when every training source's shards exist.
    static func trainingSampleCount(_ spec: PipelineSpec, _ manifests: SourceManifests) -> Int? {
        let train = spec.data.train.map { manifests[$0] }
        return train.contains { $0 == nil } ? nil : train.reduce(0) { $0 + $1!.sampleCount }
    }

    /// The per-sample shape (batch 1) of a referenced tensor, when it can be known.
    static func shape(of ref: Reference, spec: PipelineSpec, shapes: TapShapes) -> Shape? {
        guard let stage = spec.stage(named: ref.node) else { return nil }
        switch stage.kind {
        case .forward(let f): return shapes.byModel[f.model.value]?[ref.output ?? "logits"]
        case .connector(let c):
            return connectorOutputs(stage, c, spec: spec, shapes: shapes, seen: [])?[ref.output ?? "out"]
        case .ensemble(let e): return e.inputs.first.flatMap { shape(of: $0.value, spec: spec, shapes: shapes) }
        case .augmentation: return nil
        }
    }

    /// The shapes a connector reads by field, nil when one is unknown (or the connectors read one
    /// another in a cycle, which the graph reports).
    static func connectorInputs(
        _ stage: StageSpec, _ c: ConnectorSpec, spec: PipelineSpec, shapes: TapShapes, seen: Set<String>
    ) -> [String: Shape]? {
        guard !seen.contains(stage.name) else { return nil }
        var inputs: [String: Shape] = [:]
        for (field, reference) in [("from", c.from)] + c.references.map({ ($0.field, $0.reference) }) {
            let producer = spec.stage(named: reference.value.node)
            if let producer, case .connector(let upstream) = producer.kind {
                let outputs = connectorOutputs(
                    producer, upstream, spec: spec, shapes: shapes, seen: seen.union([stage.name]))
                guard let shape = outputs?[reference.value.output ?? "out"] else { return nil }
                inputs[field] = shape
            } else {
                guard let shape = shape(of: reference.value, spec: spec, shapes: shapes) else { return nil }
                inputs[field] = shape
            }
        }
        return inputs
    }

    /// A connector's output shapes as its kind declares them (those it can tell past a problem).
    static func connectorOutputs(
        _ stage: StageSpec, _ c: ConnectorSpec, spec: PipelineSpec, shapes: TapShapes, seen: Set<String>
    ) -> [String: Shape]? {
        guard let kind = ConnectorCatalog.kind(named: c.connector.value),
            let inputs = connectorInputs(stage, c, spec: spec, shapes: shapes, seen: seen)
        else { return nil }
        return kind.outputShapes(inputs, options: connectorOptions(stage, kind)).outputs
    }

    /// A connector stage's options as validated (defaults filled in).
    static func connectorOptions(_ stage: StageSpec, _ kind: ConnectorKind) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: kind.options.map { ($0.name, stage.node[$0.name]?.double ?? $0.defaultValue) })
    }

    /// Models must accept what the augmentation emits (when the shards already exist).
    static func checkInputSize(_ spec: PipelineSpec, _ manifests: SourceManifests) -> [Diagnostic] {
        guard let layout = manifests[spec.data.train[0]]?.layout else { return [] }
        var size = layout.height
        for stage in spec.stages {
            if case .augmentation(let a) = stage.kind {
                for op in a.ops where ["pad_crop", "random_resized_crop"].contains(op.name.value) {
                    size = op.arguments["size"]?.int ?? size
                }
            }
        }
        return spec.models.compactMap { m in
            let imageSize = m.node["image_size"]?.int ?? 28
            guard m.inChannels != layout.channels || imageSize != size else { return nil }
            return Diagnostic(
                at: m.location, keyPath: "models.\(m.name)",
                "model '\(m.name)' expects \(m.inChannels)×\(imageSize)×\(imageSize) inputs, the data gives \(layout.channels)×\(size)×\(size) (set in_channels / image_size)"
            )
        }
    }
}
