import Foundation
import KDData
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
            guard case .forward(let forward) = stage.kind, let available = shapes.available[forward.model.value] else { continue }
            let arch = spec.model(named: forward.model.value)?.arch.value ?? "?"
            for tap in forward.taps where !available.contains(tap.value) {
                out.append(Diagnostic(at: tap.location, keyPath: "stages.\(stage.name).taps",
                                      "model '\(forward.model.value)' (\(arch)) has no tap '\(tap.value)'"
                                      + Suggestion.didYouMean(tap.value, in: available)
                                      + "; its taps: " + available.joined(separator: ", ")))
            }
        }
        let resolve = { (ref: Reference) in shape(of: ref, spec: spec, shapes: shapes) }
        for stage in spec.stages {
            guard case .connector(let c) = stage.kind, let from = resolve(c.from.value), let to = resolve(c.to.value) else { continue }
            if !Connector.maps(from, to: to) {
                out.append(Diagnostic(at: c.from.location, keyPath: "stages.\(stage.name)",
                                      "connector '\(stage.name)' maps \(c.from.value) \(from) to \(c.to.value) \(to): a 1×1 conv needs NCHW tensors of equal height and width, or [N, C] features"))
            }
        }
        for stage in spec.stages {
            guard case .ensemble(let e) = stage.kind else { continue }
            let members = e.inputs.compactMap { member in resolve(member.value).map { (member, $0) } }
            for (member, memberShape) in members.dropFirst() where memberShape != members[0].1 || memberShape.rank != 2 {
                out.append(Diagnostic(at: member.location, keyPath: "stages.\(stage.name).ensemble",
                                      "ensemble '\(stage.name)' combines \(members[0].0.value) \(members[0].1) with \(member.value) \(memberShape): members need logits of one shape [N, classes]"))
            }
        }
        for term in spec.loss {
            let inputs = term.inputs.filter { $0.field != "target" }
            let resolved = inputs.compactMap { input in resolve(input.reference.value).map { (input, $0) } }
            switch term.kind.value {
            case "kd" where resolved.contains { $0.1.rank != 2 }:
                let bad = resolved.first { $0.1.rank != 2 }!
                out.append(Diagnostic(at: bad.0.reference.location, keyPath: "loss.\(term.name)",
                                      "kd needs logits [N, classes]; \(bad.0.reference.value) is \(bad.1)"))
            case "kd" where resolved.count == 2 && resolved[0].1 != resolved[1].1:
                out.append(Diagnostic(at: resolved[0].0.reference.location, keyPath: "loss.\(term.name)",
                                      "kd compares \(resolved[0].0.reference.value) \(resolved[0].1) with \(resolved[1].0.reference.value) \(resolved[1].1): shapes differ"))
            case "cross_entropy" where resolved.count == 1 && resolved[0].1.rank != 2:
                out.append(Diagnostic(at: resolved[0].0.reference.location, keyPath: "loss.\(term.name).input",
                                      "cross_entropy needs logits [N, classes]; \(resolved[0].0.reference.value) is \(resolved[0].1)"))
            default: out += lossShapeMismatch(term, resolved)
            }
        }
        out += checkInputSize(spec)
        out += checkLabelReaders(spec)
        return out
    }

    /// Shape rules of the distillation kinds beyond kd: response kinds compare equal logits,
    /// elementwise feature kinds equal shapes, attention transfer equal NCHW spatial sizes.
    static func lossShapeMismatch(_ term: LossTermSpec,
                                  _ inputs: [((field: String, reference: Located<Reference>), Shape)]) -> [Diagnostic] {
        guard inputs.count == 2 else { return [] }
        let ((a, sa), (b, sb)) = (inputs[0], inputs[1])
        let kind = term.kind.value
        let problem: String?
        switch kind {
        case "soft_ce", "dml", "dkd":
            problem = sa.rank != 2 ? "\(kind) needs logits [N, classes]; \(a.reference.value) is \(sa)"
                : sa != sb ? "\(kind) compares \(a.reference.value) \(sa) with \(b.reference.value) \(sb): shapes differ" : nil
        case "distance", "overhaul":
            problem = sa != sb ? "\(kind) compares \(a.reference.value) \(sa) with \(b.reference.value) \(sb) elementwise: shapes differ (add a connector)" : nil
        case "at":
            problem = sa.rank != 4 || sb.rank != 4 || sa[2] != sb[2] || sa[3] != sb[3]
                ? "at needs NCHW features of equal height and width; \(a.reference.value) is \(sa), \(b.reference.value) is \(sb)" : nil
        default: problem = nil
        }
        return problem.map { [Diagnostic(at: a.reference.location, keyPath: "loss.\(term.name)", $0)] } ?? []
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
    static func checkInputSize(_ spec: PipelineSpec) -> [Diagnostic] {
        guard let layout = try? DatasetManifest.read(from: URL(fileURLWithPath: spec.data.train[0].shards)).layout else { return [] }
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
            return Diagnostic(at: m.location, keyPath: "models.\(m.name)",
                              "model '\(m.name)' expects \(m.inChannels)×\(imageSize)×\(imageSize) inputs, the data gives \(layout.channels)×\(size)×\(size) (set in_channels / image_size)")
        }
    }
}
