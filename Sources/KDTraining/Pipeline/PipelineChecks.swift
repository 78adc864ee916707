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
        for stage in spec.stages {
            guard case .connector(let c) = stage.kind, let from = resolve(c.from.value), let to = resolve(c.to.value)
            else { continue }
            if !Connector.maps(from, to: to) {
                out.append(
                    Diagnostic(
                        at: c.from.location, keyPath: "stages.\(stage.name)",
                        "connector '\(stage.name)' maps \(c.from.value) \(from) to \(c.to.value) \(to): a 1×1 conv needs NCHW tensors of equal height and width, or [N, C] features"
                    ))
            }
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
        let manifests = SourceManifests(spec)
        out += manifests.problems
        out += checkInputSize(spec, manifests)
        out += checkLabelReaders(spec, manifests)
        out += checkDataSize(spec, manifests)
        return out
    }

    /// Models must output every class the labels take, and a batch must fit the training data
    /// (when the shards already exist; the trainer checks again once they do).
    static func checkDataSize(_ spec: PipelineSpec, _ manifests: SourceManifests) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let train = spec.data.train.map { manifests[$0] }
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
        let batch = spec.root["data"]?.entry("batch")
        let samples = train.reduce(0) { $0 + ($1?.sampleCount ?? 0) }
        if !train.contains(where: { $0 == nil }), let batch, spec.data.batch > samples {
            out.append(
                Diagnostic(
                    at: batch.value.location, keyPath: "data.batch",
                    "batch \(spec.data.batch) is larger than the \(samples) training samples"))
        }
        return out
    }

    /// The per-sample shape (batch 1) of a referenced tensor, when it can be known.
    static func shape(of ref: Reference, spec: PipelineSpec, shapes: TapShapes) -> Shape? {
        guard let stage = spec.stage(named: ref.node) else { return nil }
        switch stage.kind {
        case .forward(let f): return shapes.byModel[f.model.value]?[ref.output ?? "logits"]
        case .connector(let c): return shape(of: c.to.value, spec: spec, shapes: shapes)
        case .ensemble(let e): return e.inputs.first.flatMap { shape(of: $0.value, spec: spec, shapes: shapes) }
        case .augmentation: return nil
        }
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
